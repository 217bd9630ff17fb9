/**
 * Server-side request forgery guard: a feed or article URL may name any host, so before connecting we check that
 * every address it resolves to is a public unicast address. The check runs inside the HTTP client's `lookup`, on
 * the very addresses the socket then connects to, for every connection and every redirect hop: there is no gap
 * between checking and connecting for DNS rebinding to slip through. IP literals, which never reach `lookup`, are
 * checked by `assertFetchableUrl` first. IPv4 forms like `2130706433`, `0x7f.1` or `0177.0.0.1` are normalised to
 * dotted decimal by the WHATWG URL parser before any check.
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InvalidUrlError } from './canonical-url';

export interface AddressGuardOptions {
  /**
   * Let loopback, RFC 1918, unique-local and CGNAT addresses through: the local stack serves feeds on 127.0.0.1.
   * Cloud metadata services stay refused (CLOUD_METADATA).
   */
  readonly allowPrivate?: boolean;
}

/** Resolves a host name to all its addresses (dns.lookup with `all: true` by default; tests inject a fake). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/**
 * The message names the host, never the address it resolved to: it becomes the source's public `lastError`, and a
 * name's private addresses are nobody's business (`address` keeps it for the logs).
 */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'EBLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused to connect to ${host}: ${reason} address${host === address ? '' : ' in its DNS answer'}`);
  }
}

const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Instance metadata services inside the private ranges, refused even where private addresses are allowed: a local
 * stack run on a cloud machine must not hand its credentials to a feed that links to them. AWS's IPv6 endpoint
 * (fd00:ec2::254, unique-local) and Alibaba Cloud's (100.100.100.200, CGNAT); the IPv4 link-local range, which holds
 * AWS's, GCP's and Azure's 169.254.169.254, is refused in every mode anyway.
 */
const CLOUD_METADATA = [ipaddr.parseCIDR('fd00:ec2::254/128'), ipaddr.parseCIDR('100.100.100.200/32')];

function isCloudMetadata(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return CLOUD_METADATA.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
}

/**
 * Why an address may not be fetched, or null if it may. Only public unicast passes. Addresses that embed an IPv4
 * address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the embedded address too, so `::ffff:127.0.0.1` or
 * `2002:7f00:1::` cannot smuggle in a loopback address.
 */
export function blockedReason(address: string, options: AddressGuardOptions = {}): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'invalid';
  }
  for (const { range, via, address: checked } of rangesOf(parsed)) {
    if (range === 'unicast') continue;
    const allowedPrivate = options.allowPrivate === true && PRIVATE_RANGES.has(range);
    if (allowedPrivate && !isCloudMetadata(checked)) continue;
    const reason = allowedPrivate ? 'cloud metadata' : range;
    return via ? `${reason} (inside ${via})` : reason;
  }
  return null;
}

interface RangeFinding {
  readonly range: string;
  /** The address the range is of: the one given, or the IPv4 address embedded in it. */
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly via?: string;
}

function rangesOf(address: ipaddr.IPv4 | ipaddr.IPv6): RangeFinding[] {
  if (address.kind() === 'ipv4') return [{ range: address.range(), address }];
  const v6 = address as ipaddr.IPv6;
  const parts = v6.parts;
  const range = v6.range();
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const embedded = (inner: ipaddr.IPv4, via: string): RangeFinding => ({ range: inner.range(), address: inner, via });
  switch (range) {
    case 'ipv4Mapped':
      return [embedded(v6.toIPv4Address(), 'IPv4-mapped IPv6')];
    case 'rfc6145':
      return [embedded(v4(parts[6] ?? 0, parts[7] ?? 0), 'IPv4-translated IPv6')];
    case 'rfc6052':
      // The well-known NAT64 prefix embeds a public IPv4 address; the local-use prefix (64:ff9b:1::/48) reaches
      // whatever the operator's translator reaches, so it is refused outright.
      return parts[2] === 0 ? [embedded(v4(parts[6] ?? 0, parts[7] ?? 0), 'NAT64')] : [{ range: 'local NAT64', address: v6 }];
    case '6to4':
      return [embedded(v4(parts[1] ?? 0, parts[2] ?? 0), '6to4')];
    case 'teredo':
      return [
        embedded(v4(parts[2] ?? 0, parts[3] ?? 0), 'Teredo server'),
        embedded(v4(~(parts[6] ?? 0) & 0xffff, ~(parts[7] ?? 0) & 0xffff), 'Teredo client'),
      ];
    default:
      // ::a.b.c.d (IPv4-compatible, deprecated) and the rest of ::/96 are nothing a public site uses.
      if (range === 'unicast' && parts.slice(0, 6).every((part) => part === 0)) return [{ range: 'IPv4-compatible', address: v6 }];
      return [{ range, address: v6 }];
  }
}

/**
 * Parses a URL and refuses what no connection should be attempted for: schemes other than http(s) (InvalidUrlError)
 * and IP-literal hosts that are not public (BlockedAddressError).
 */
export function assertFetchableUrl(url: string | URL, options: AddressGuardOptions = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidUrlError(`not a URL: ${JSON.stringify(String(url).slice(0, 200))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidUrlError(`not an http(s) URL: ${parsed.protocol}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    const reason = blockedReason(host, options);
    if (reason) throw new BlockedAddressError(host, host, reason);
  }
  return parsed;
}

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The addresses of `hostname`, all of them allowed. A host with any refused address is refused as a whole: a name
 * that resolves to both a public and a private address is the shape of a rebinding attack.
 */
export async function resolveAllowedAddresses(
  hostname: string,
  options: AddressGuardOptions & { readonly resolve?: Resolver } = {},
): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }]
    : [...(await (options.resolve ?? systemResolver)(host))];
  if (addresses.length === 0) {
    throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND', hostname: host });
  }
  for (const { address } of addresses) {
    const reason = blockedReason(address, options);
    if (reason) throw new BlockedAddressError(host, address, reason);
  }
  return addresses;
}

/** A `lookup` for http.request / net.connect that only ever hands out allowed addresses. */
export function createGuardedLookup(options: AddressGuardOptions & { readonly resolve?: Resolver } = {}): LookupFunction {
  return (hostname: string, lookupOptions: LookupOptions, callback) => {
    resolveAllowedAddresses(hostname, options).then(
      (addresses) => {
        const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
        const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
        const [first] = usable;
        if (!first) {
          callback(Object.assign(new Error(`no IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        } else if (lookupOptions.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
