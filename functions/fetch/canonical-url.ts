/**
 * One spelling per article address, so that the same article reached through two feeds (or with a campaign tag)
 * gets one id. Only changes that cannot change the page are made: scheme and host case, default port, fragment,
 * credentials, tracking parameters, an empty query. Other parameters keep their order and spelling.
 */
import { createHash } from 'node:crypto';

/** Parameters that only tell analytics where a click came from. Matched case-insensitively. */
const TRACKING_PARAMETERS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
  'mc_cid', 'mc_eid', 'igshid', 'igsh', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id',
  'vero_id', 'wickedid', 'rb_clickid', 's_cid', 'ref_src', 'ref_url', 'cmpid', 'ncid', 'ocid', 'sr_share', 'spm',
  'at_medium', 'at_campaign', 'at_custom1', 'at_custom2', 'at_custom3', 'at_custom4',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_'];

export class InvalidUrlError extends Error {
  override readonly name = 'InvalidUrlError';
}

/** @throws InvalidUrlError for what is not an absolute (or resolvable) http(s) URL. */
export function canonicalizeUrl(url: string, base?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), base);
  } catch {
    throw new InvalidUrlError(`not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidUrlError(`not an http(s) URL: ${parsed.protocol}`);
  }
  // URL already lowercases the scheme and host, drops the default port and normalises IPv4 forms.
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  // Filter the raw query rather than URLSearchParams, which would re-encode the parameters that stay.
  const kept = parsed.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParameter(pair.split('=', 1)[0] ?? ''));
  parsed.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return parsed.href;
}

function isTrackingParameter(rawName: string): boolean {
  let name: string;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    name = rawName.toLowerCase();
  }
  return TRACKING_PARAMETERS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** 22 characters of base64url: the first 16 bytes (128 bits) of the SHA-256 of the canonical URL. */
export const ARTICLE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function articleIdFor(canonicalUrl: string): string {
  return createHash('sha256').update(canonicalUrl).digest().subarray(0, 16).toString('base64url');
}
