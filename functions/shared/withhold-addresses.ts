/**
 * IP address literals taken out of text that the public sees (the sources' last errors in `GET /sources`): what a
 * publisher's name resolved to, or the private address a refused name pointed at, tells an outsider about networks
 * they should not learn about, and DNS tricks could turn the error into a probe. Pure.
 */
import ipaddr from 'ipaddr.js';

export const WITHHELD_ADDRESS = '(address withheld)';

const BRACKETED_V6 = /\[([0-9A-Fa-f:.]+)(?:%[\w.-]+)?\](?::\d{1,5})?/g;
const BARE_V6 = /(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?)(?:%[\w.-]+)?(?![\w:]|\.\d)/g;
const V4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?![\w]|\.\d)/g;

/**
 * `text` with every IPv4 and IPv6 address literal (with its port or zone) replaced by WITHHELD_ADDRESS, but for the
 * addresses in `keep` (the source's own URL may name its host by address: that is no secret).
 */
export function withholdAddresses(text: string, keep: readonly string[] = []): string {
  const kept = new Set(keep.flatMap((address) => normalised(address.replace(/^\[|\]$/g, '')) ?? []));
  const replace = (match: string, address: string) => {
    const found = normalised(address);
    return found === null || kept.has(found) ? match : WITHHELD_ADDRESS;
  };
  return text.replace(BRACKETED_V6, replace).replace(BARE_V6, replace).replace(V4, replace);
}

/** One spelling per address, or null for a string that is no address. */
function normalised(address: string): string | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address).toString();
  if (ipaddr.IPv6.isValid(address)) return ipaddr.IPv6.parse(address).toNormalizedString();
  return null;
}
