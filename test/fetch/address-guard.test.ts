import { createServer, type Server } from 'node:http';
import type { LookupOptions } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BlockedAddressError,
  assertFetchableUrl,
  blockedReason,
  createGuardedLookup,
  resolveAllowedAddresses,
  type Resolver,
} from '../../functions/fetch/address-guard';
import { InvalidUrlError } from '../../functions/fetch/canonical-url';
import { createFetcher } from '../../functions/fetch/http-fetch';
import { FetchError } from '../../functions/ports';

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (inside IPv4-mapped'],
    ['::ffff:a9fe:a9fe', 'linkLocal (inside IPv4-mapped'],
    ['::ffff:0:7f00:1', 'loopback (inside IPv4-translated'],
    ['::ffff:0:a9fe:a9fe', 'linkLocal (inside IPv4-translated'],
    ['::ffff:0:a00:1', 'private (inside IPv4-translated'],
    ['::ffff:0:ffff:ffff', 'broadcast (inside IPv4-translated'],
    // The low 16 bits of the embedded address decide: 255.255.255.255 is broadcast, 255.255.0.0 merely reserved.
    ['64:ff9b::ffff:ffff', 'broadcast (inside NAT64'],
    ['2002:ffff:ffff::', 'broadcast (inside 6to4'],
    ['2001:0:ffff:ffff::f7f7:f7f7', 'broadcast (inside Teredo server'],
    ['64:ff9b::10.0.0.1', 'private (inside NAT64'],
    ['64:ff9b:1::808:808', 'local NAT64'],
    ['2002:7f00:1::', 'loopback (inside 6to4'],
    ['2002:c0a8:101::1', 'private (inside 6to4'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', null],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved (inside Teredo client'],
    ['2001:0:0a00:0001:8000:63bf:f5ff:fffe', 'private (inside Teredo server'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback (inside Teredo client'],
    ['::127.0.0.1', 'loopback'],
    ['::808:808', 'IPv4-compatible'],
    ['::7f00:1', 'IPv4-compatible'],
    ['2001:db8::1', 'reserved'],
    ['93.184.215.14', null],
    ['8.8.8.8', null],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', null],
    ['64:ff9b::808:808', null],
    ['::ffff:0:808:808', null],
    // Zero groups among the first six are ordinary in public IPv6; only ::/96 as a whole is IPv4-compatible.
    ['2001:4860:4860::8888', null],
    ['2002:0808:0808::1', null],
    ['not-an-ip', 'invalid'],
  ])('%s -> %s', (address, reason) => {
    const result = blockedReason(address);
    if (reason === null) expect(result).toBeNull();
    else expect(result).toContain(reason);
  });

  it('lets loopback and private networks through only with allowPrivate, never link-local or multicast', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '192.168.0.1', '100.64.0.1', '::1', 'fd00::1', '::ffff:127.0.0.1']) {
      expect(blockedReason(address, { allowPrivate: true })).toBeNull();
    }
    for (const address of ['169.254.169.254', '0.0.0.0', '224.0.0.1', 'fe80::1']) {
      expect(blockedReason(address, { allowPrivate: true })).not.toBeNull();
    }
  });

  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['169.254.170.2', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal (inside IPv4-mapped IPv6)'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['::ffff:100.100.100.200', 'cloud metadata (inside IPv4-mapped IPv6)'],
    ['64:ff9b::6464:64c8', 'cloud metadata (inside NAT64)'],
  ])('refuses the cloud metadata address %s even with allowPrivate (%s)', (address, reason) => {
    expect(blockedReason(address, { allowPrivate: true })).toBe(reason);
  });

  it.each(['fd00:ec2::253', 'fd00:ec2::1:254', 'fd00:ec3::254', '100.100.100.199', '100.100.100.201', '100.100.101.200'])(
    'lets the private neighbour %s of a metadata address through with allowPrivate',
    (address) => {
      expect(blockedReason(address, { allowPrivate: true })).toBeNull();
    },
  );

  it('keeps the local stack (allowPrivateAddresses) from fetching metadata addresses, by literal or by name', async () => {
    const local = createFetcher({ allowPrivateAddresses: true, resolve: async () => [{ address: 'fd00:ec2::254', family: 6 }] });
    for (const url of ['http://[fd00:ec2::254]/latest/meta-data/', 'http://100.100.100.200/latest/meta-data/', 'http://169.254.169.254/latest/', 'http://metadata.example/']) {
      const error = await local.fetch(url, { accept: '*/*' }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(FetchError);
      expect(error).toMatchObject({ kind: 'blocked-address' });
    }
  });

  it('refuses the metadata addresses for their range when private addresses are not allowed', () => {
    expect(blockedReason('fd00:ec2::254')).toBe('uniqueLocal');
    expect(blockedReason('100.100.100.200')).toBe('carrierGradeNat');
  });
});

describe('assertFetchableUrl', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]:8080/',
    'https://0.0.0.0/',
    'http://0/',
    'http://127.0.0.1./',
    'http://127.0.0.1%2e/',
    'http://①②⑦.0.0.1/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
  ])('refuses the IP-literal host of %s', (url) => {
    expect(() => assertFetchableUrl(url)).toThrow(BlockedAddressError);
  });

  it.each(['file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/', 'javascript:alert(1)', 'no url'])('refuses %s', (url) => {
    expect(() => assertFetchableUrl(url)).toThrow(InvalidUrlError);
  });

  it('says which address was refused and why, and shortens a long non-URL it quotes', () => {
    expect(() => assertFetchableUrl('http://[::1]:8080/feed')).toThrow(
      expect.objectContaining({
        name: 'BlockedAddressError',
        code: 'EBLOCKED',
        host: '::1',
        address: '::1',
        reason: 'loopback',
        message: 'refused to connect to ::1: loopback address',
      }),
    );
    expect(() => assertFetchableUrl('gopher://example.com/')).toThrow(
      expect.objectContaining({ name: 'InvalidUrlError', message: 'not an http(s) URL: gopher:' }),
    );
    expect(() => assertFetchableUrl(`no url ${'x'.repeat(300)}`)).toThrow(
      expect.objectContaining({ message: `not a URL: "no url ${'x'.repeat(193)}"` }),
    );
  });

  it('accepts public literals and host names (those are checked at lookup)', () => {
    expect(assertFetchableUrl('https://8.8.8.8/').hostname).toBe('8.8.8.8');
    expect(assertFetchableUrl('https://news.example.com/a').hostname).toBe('news.example.com');
  });
});

const fakeDns: Record<string, string[]> = {
  'public.example': ['93.184.215.14'],
  'internal.example': ['10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.215.14', '127.0.0.1'],
  'mapped.example': ['::ffff:192.168.0.1'],
  'loopback.example': ['127.0.0.1'],
  'dual.example': ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', '93.184.215.14'],
};
const fakeResolver: Resolver = async (hostname) =>
  (fakeDns[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('resolveAllowedAddresses', () => {
  it('returns the addresses of a public host', async () => {
    await expect(resolveAllowedAddresses('public.example', { resolve: fakeResolver })).resolves.toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
  });

  it.each(['internal.example', 'metadata.example', 'mixed.example', 'mapped.example', 'loopback.example'])(
    'refuses %s',
    async (host) => {
      await expect(resolveAllowedAddresses(host, { resolve: fakeResolver })).rejects.toBeInstanceOf(BlockedAddressError);
    },
  );

  it('fails like DNS for a name without addresses', async () => {
    await expect(resolveAllowedAddresses('nowhere.example', { resolve: fakeResolver })).rejects.toMatchObject({
      code: 'ENOTFOUND',
      hostname: 'nowhere.example',
      message: 'no address for nowhere.example',
    });
  });

  it('keeps the refused address it resolved to, but names only the host in its message', async () => {
    await expect(resolveAllowedAddresses('mixed.example', { resolve: fakeResolver })).rejects.toMatchObject({
      host: 'mixed.example',
      address: '127.0.0.1',
      message: 'refused to connect to mixed.example: loopback address in its DNS answer',
    });
  });

  it('asks the system resolver for every address of a name by default', async () => {
    const addresses = await resolveAllowedAddresses('localhost', { allowPrivate: true });
    expect(addresses).toContainEqual({ address: '127.0.0.1', family: 4 });
    await expect(resolveAllowedAddresses('localhost')).rejects.toMatchObject({ host: 'localhost', reason: 'loopback' });
  });

  it('judges an IP literal itself, bracketed or not, without asking DNS', async () => {
    const noDns: Resolver = async () => {
      throw new Error('DNS asked');
    };
    await expect(resolveAllowedAddresses('[::1]', { resolve: noDns })).rejects.toMatchObject({ host: '::1', reason: 'loopback' });
    await expect(resolveAllowedAddresses('[2606:2800:21f:cb07:6820:80da:af6b:8b2c]', { resolve: noDns })).resolves.toEqual([
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    await expect(resolveAllowedAddresses('8.8.8.8', { resolve: noDns })).resolves.toEqual([{ address: '8.8.8.8', family: 4 }]);
  });
});

describe('createGuardedLookup', () => {
  const lookup = createGuardedLookup({ resolve: fakeResolver });
  const call = (host: string, all: boolean, family?: LookupOptions['family']) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, { all, family }, (error, address, family) => resolve({ error, address, family })),
    );

  it('answers in both the single and the `all` shapes', async () => {
    expect(await call('public.example', false)).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await call('public.example', true)).toMatchObject({ error: null, address: [{ address: '93.184.215.14', family: 4 }] });
  });

  it('hands out only addresses of the family asked for, by number or by name', async () => {
    const v4 = { error: null, address: '93.184.215.14', family: 4 };
    const v6 = { error: null, address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };
    expect(await call('dual.example', false)).toEqual(v6);
    expect(await call('dual.example', false, 4)).toEqual(v4);
    expect(await call('dual.example', false, 'IPv4')).toEqual(v4);
    expect(await call('dual.example', false, 6)).toEqual(v6);
    expect(await call('dual.example', false, 'IPv6')).toEqual(v6);
    expect(await call('dual.example', true, 'IPv4')).toEqual({ error: null, address: [{ address: v4.address, family: 4 }] });
    expect((await call('dual.example', true, 0)).address).toHaveLength(2);
  });

  it('fails like DNS when the host has no address of the family asked for', async () => {
    for (const family of [6, 'IPv6'] as const) {
      const { error } = await call('public.example', false, family);
      expect(error).toMatchObject({ code: 'ENOTFOUND', message: 'no IPv6 address for public.example' });
    }
  });

  it('hands the socket an error, not an address, for a private host', async () => {
    expect((await call('internal.example', true)).error).toBeInstanceOf(BlockedAddressError);
  });
});

describe('the fetcher connects only through the guard', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits += 1;
      if (request.url === '/to-internal') {
        response.writeHead(302, { location: `http://loopback.example:${port}/secret` }).end();
      } else {
        response.end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a host name resolving to loopback, without connecting', async () => {
    const fetcher = createFetcher({ resolve: fakeResolver });
    const before = hits;
    await expect(fetcher.fetch(`http://loopback.example:${port}/`, { accept: '*/*' })).rejects.toMatchObject({ kind: 'blocked-address' });
    await expect(fetcher.fetch(`http://127.0.0.1:${port}/`, { accept: '*/*' })).rejects.toMatchObject({ kind: 'blocked-address' });
    await expect(fetcher.fetch(`http://2130706433:${port}/`, { accept: '*/*' })).rejects.toMatchObject({ kind: 'blocked-address' });
    expect(hits).toBe(before);
  });

  it('checks every redirect hop', async () => {
    // The first hop is allowed (private addresses allowed), the redirect is to a name the guard refuses.
    const strictForRedirect: Resolver = async (hostname) =>
      hostname === 'loopback.example' ? [{ address: '169.254.169.254', family: 4 }] : fakeResolver(hostname);
    const fetcher = createFetcher({ allowPrivateAddresses: true, resolve: strictForRedirect });
    const error = await fetcher.fetch(`http://127.0.0.1:${port}/to-internal`, { accept: '*/*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ kind: 'blocked-address' });
  });

  it('connects to loopback when private addresses are allowed', async () => {
    const fetcher = createFetcher({ allowPrivateAddresses: true, resolve: fakeResolver });
    const result = await fetcher.fetch(`http://loopback.example:${port}/`, { accept: '*/*' });
    expect(result.body.toString()).toBe('ok');
  });

  it('refuses non-http schemes as bad URLs', async () => {
    await expect(createFetcher().fetch('file:///etc/passwd', { accept: '*/*' })).rejects.toMatchObject({ kind: 'bad-url' });
  });
});
