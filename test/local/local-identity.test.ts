/**
 * The local stand-ins for Cognito and API Gateway's JWT authorizer: the issuer's documents and key, and the
 * authorizer's verdict on every kind of bad token, then the same over HTTP through the local web server, where a
 * refused token never reaches the handler and an accepted one brings the claims shape API Gateway passes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT, base64url, generateKeyPair, importJWK, type JWK } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../../functions/api/match-route';
import { createJwtAuthorizer, type JwtAuthorizer } from '../../local/jwt-authorizer';
import { LOCAL_CLIENT_ID, loadLocalIssuer, localIssuerUrl, localSubject, type LocalIssuer } from '../../local/oidc-issuer';
import { createWebServer, KEEP_ALIVE_MS } from '../../local/web-server';
import { apiFixture, articleId } from '../api/fixture';

const PORT = 3000;
let dir = '';
let issuer: LocalIssuer;
let authorizer: JwtAuthorizer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'newsweave-identity-'));
  issuer = await loadLocalIssuer({ dataDir: dir, port: PORT });
  authorizer = createJwtAuthorizer({ issuer: issuer.issuer, audience: [issuer.clientId], jwks: issuer.jwks });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A token signed with the issuer's own key, with any header and claims: the building block of the forgeries. */
async function signWithIssuerKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const jwk = JSON.parse(readFileSync(join(dir, 'oidc', 'signing-key.json'), 'utf8')) as JWK;
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID, token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, ...header })
    .setIssuer(String(claims.iss ?? issuer.issuer))
    .setSubject('sub-ada')
    .setIssuedAt(now)
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : now + 600)
    .sign(key);
}

describe('the local issuer', () => {
  it('lives at http://localhost:<PORT>/local/oidc, with a discovery document naming its JWKS', () => {
    expect(issuer.issuer).toBe('http://localhost:3000/local/oidc');
    expect(localIssuerUrl(4123)).toBe('http://localhost:4123/local/oidc');
    expect(issuer.discovery()).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: `${issuer.issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('publishes only the public half of an RSA key, kept private in the data dir and reused', async () => {
    const [key] = issuer.jwks.keys;
    expect(Object.keys(key!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(statSync(join(dir, 'oidc', 'signing-key.json')).mode & 0o777).toBe(0o600);
    const again = await loadLocalIssuer({ dataDir: dir, port: PORT });
    expect(again.jwks).toEqual(issuer.jwks);
  });

  it('agrees on one key when two processes make it at once', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'newsweave-identity-race-'));
    try {
      const both = await Promise.all([loadLocalIssuer({ dataDir: fresh, port: PORT }), loadLocalIssuer({ dataDir: fresh, port: PORT })]);
      expect(both[0].jwks).toEqual(both[1].jwks);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('issues access tokens shaped like Cognito\'s, the groups only for a moderator', async () => {
    const moderator = await authorizer(`Bearer ${await issuer.issueAccessToken({ username: 'mo', moderator: true })}`);
    expect(moderator).toMatchObject({
      ok: true,
      jwt: {
        claims: {
          sub: localSubject('mo'),
          username: 'mo',
          client_id: LOCAL_CLIENT_ID,
          token_use: 'access',
          iss: issuer.issuer,
          'cognito:groups': '[moderators]',
          exp: expect.stringMatching(/^\d+$/),
        },
        scopes: ['openid'],
      },
    });
    const reader = await authorizer(await issuer.issueAccessToken({ username: 'ada' }));
    expect(reader.ok).toBe(true);
    expect(reader.ok && reader.jwt.claims['cognito:groups']).toBeUndefined();
    expect(localSubject('ada')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(localSubject('ada')).not.toBe(localSubject('Ada'));
  });

  it.each([
    ['an empty username', { username: '' }],
    ['a username with a space', { username: 'a b' }],
    ['a username of 65 characters', { username: 'x'.repeat(65) }],
    ['no lifetime', { username: 'ada', expiresInSeconds: 0 }],
    ['a lifetime over a day', { username: 'ada', expiresInSeconds: 86_401 }],
  ])('refuses %s', async (_, request) => {
    await expect(issuer.issueAccessToken(request)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('the local JWT authorizer', () => {
  const refused = async (header: string | undefined) => {
    const outcome = await authorizer(header);
    expect(outcome.ok).toBe(false);
    return outcome.ok ? '' : outcome.reason;
  };

  it('accepts the issuer\'s token with or without "Bearer "', async () => {
    const token = await issuer.issueAccessToken({ username: 'ada' });
    expect((await authorizer(`Bearer ${token}`)).ok).toBe(true);
    expect((await authorizer(`bearer ${token}`)).ok).toBe(true);
    expect((await authorizer(token)).ok).toBe(true);
  });

  it('refuses no token, and one that is not a JWT', async () => {
    expect(await refused(undefined)).toBe('no token');
    expect(await refused('Bearer ')).toBe('no token');
    expect(await refused('Bearer not.a.jwt')).toMatch(/malformed/);
  });

  it('refuses an expired token, and one without an expiry', async () => {
    expect(await refused(await signWithIssuerKey({ exp: Math.floor(Date.now() / 1000) - 1 }))).toMatch(/expired/);
    const jwk = JSON.parse(readFileSync(join(dir, 'oidc', 'signing-key.json'), 'utf8')) as JWK;
    const noExpiry = await new SignJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(issuer.issuer)
      .setSubject('sub-ada')
      .sign(await importJWK(jwk, 'RS256'));
    expect(await refused(noExpiry)).toMatch(/"exp"/);
  });

  it('refuses a token that is not valid yet', async () => {
    expect(await refused(await signWithIssuerKey({ nbf: Math.floor(Date.now() / 1000) + 600 }))).toMatch(/"nbf"/);
  });

  it('refuses a token issued in the future, as API Gateway does ("iat" must be before now)', async () => {
    const jwk = JSON.parse(readFileSync(join(dir, 'oidc', 'signing-key.json'), 'utf8')) as JWK;
    const key = await importJWK(jwk, 'RS256');
    const issuedAt = (seconds: number) =>
      new SignJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID, token_use: 'access' })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(issuer.issuer)
        .setSubject('sub-ada')
        .setIssuedAt(seconds)
        .setExpirationTime(seconds + 3600)
        .sign(key);
    const now = Math.floor(Date.now() / 1000);
    expect(await refused(await issuedAt(now + 600))).toMatch(/"iat"/);
    expect((await authorizer(await issuedAt(now - 5))).ok).toBe(true);
  });

  it('refuses a token whose header names no key, as API Gateway does ("kid" must match a key of the JWKS)', async () => {
    expect(await refused(await signWithIssuerKey({}, { kid: undefined }))).toMatch(/kid/);
  });

  it('refuses another audience, by aud or by client_id', async () => {
    expect(await refused(await signWithIssuerKey({ aud: 'someone-else' }))).toMatch(/audience/);
    expect(await refused(await signWithIssuerKey({ client_id: 'someone-else' }))).toMatch(/audience/);
    expect(await refused(await signWithIssuerKey({ client_id: undefined }))).toMatch(/audience/);
    expect((await authorizer(await signWithIssuerKey({ aud: [LOCAL_CLIENT_ID, 'x'], client_id: 'other' }))).ok).toBe(true);
  });

  it('refuses another issuer, the same key notwithstanding', async () => {
    expect(await refused(await signWithIssuerKey({ iss: localIssuerUrl(PORT + 1) }))).toMatch(/"iss"/);
  });

  it('refuses a token signed by another key, whatever kid it names', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forge = (kid: string) =>
      new SignJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(issuer.issuer)
        .setSubject('sub-ada')
        .setExpirationTime(now + 600)
        .sign(privateKey);
    expect(await refused(await forge('some-other-kid'))).toMatch(/no key/);
    expect(await refused(await forge(issuer.jwks.keys[0]!.kid!))).toMatch(/signature/);
    const otherIssuer = await loadLocalIssuer({ dataDir: join(dir, 'other'), port: PORT });
    expect(await refused(await otherIssuer.issueAccessToken({ username: 'ada' }))).toMatch(/no key|signature/);
  });

  it('refuses alg "none", and HS256 keyed with the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsecured = new UnsecuredJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID })
      .setIssuer(issuer.issuer)
      .setSubject('sub-ada')
      .setExpirationTime(now + 600)
      .encode();
    expect(await refused(unsecured)).toMatch(/RS256|malformed/);
    const publicJwk = issuer.jwks.keys[0]!;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const hs = await new SignJWT({ username: 'ada', client_id: LOCAL_CLIENT_ID })
      .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid })
      .setIssuer(issuer.issuer)
      .setSubject('sub-ada')
      .setExpirationTime(now + 600)
      .sign(secret);
    expect(await refused(hs)).toMatch(/RS256/);
  });

  it('refuses a genuine token whose claims were changed', async () => {
    const token = await issuer.issueAccessToken({ username: 'ada' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
    const promoted = base64url.encode(JSON.stringify({ ...claims, 'cognito:groups': ['moderators'] }));
    expect(await refused(`${header}.${promoted}.${signature}`)).toMatch(/signature/);
  });
});

describe('the local adapter over HTTP', () => {
  let server: Server;
  let base = '';
  let handled: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    const { handler } = apiFixture();
    server = createWebServer({
      api: async (event) => {
        handled.push(event);
        return handler(event);
      },
      identity: { issuer, authorizer },
      opsSnapshot: async () => ({}),
      onError: () => undefined,
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const post = (token: string | undefined, body: unknown = { body: 'Hello' }) =>
    fetch(`${base}/articles/${articleId(3)}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });

  it('answers a refused token as API Gateway does, and the handler never sees the request', async () => {
    handled = [];
    const expired = await signWithIssuerKey({ exp: Math.floor(Date.now() / 1000) - 5 });
    for (const token of [undefined, 'garbage', expired]) {
      const response = await post(token);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    const deletion = await fetch(`${base}/articles/${articleId(0)}/comments/01JDR3V9Q4X8K2M6N7P0S5T1W1`, { method: 'DELETE' });
    expect(deletion.status).toBe(401);
    expect(handled).toEqual([]);
  });

  it('passes an accepted token\'s claims where API Gateway puts them', async () => {
    handled = [];
    const response = await post(await issuer.issueAccessToken({ username: 'ada' }), { body: 'From the adapter' });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ author: { id: localSubject('ada'), name: 'ada' }, body: 'From the adapter' });
    const context = handled[0]?.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } } };
    expect(context.authorizer.jwt.scopes).toEqual(['openid']);
    expect(Object.values(context.authorizer.jwt.claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('chooses the API by the path as sent, as API Gateway routes it, not by its normalised form', async () => {
    handled = [];
    // fetch() would resolve the dot segments before sending: a raw request keeps them.
    const raw = (path: string) =>
      new Promise<{ status: number; type: string }>((resolve, reject) => {
        httpRequest(base, { path }, (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '' });
        })
          .on('error', reject)
          .end();
      });
    for (const path of ['/articles/..', '/articles/%2e%2e/comments']) {
      const answer = await raw(path);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.status).toBeGreaterThanOrEqual(400);
    }
    expect(handled.map((event) => event.rawPath)).toEqual(['/articles/..', '/articles/%2e%2e/comments']);
  });

  it('checks no token on the public routes, and never passes claims there', async () => {
    handled = [];
    const response = await fetch(`${base}/articles/${articleId(0)}/comments`, { headers: { authorization: 'Bearer garbage' } });
    expect(response.status).toBe(200);
    expect((handled[0]?.requestContext as { authorizer?: unknown }).authorizer).toBeUndefined();
  });

  it('guards exactly the routes the route table marks signed-in', () => {
    expect(ROUTES.filter((route) => route.access === 'signed-in').map((route) => `${route.method} ${route.template}`)).toEqual([
      'POST /articles/{id}/comments',
      'DELETE /articles/{id}/comments/{commentId}',
    ]);
  });

  it('serves the discovery document, the JWKS, the sign-in page, and tokens for a name', async () => {
    const discovery = await (await fetch(`${base}/local/oidc/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(issuer.issuer);
    expect(await (await fetch(`${base}/local/oidc/.well-known/jwks.json`)).json()).toEqual(issuer.jwks);
    const page = await fetch(`${base}/local/oidc/sign-in`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('sign-in.js');
    const issued = await fetch(`${base}/local/oidc/token`, { method: 'POST', body: JSON.stringify({ username: 'grace', moderator: true }) });
    const { access_token: token } = await issued.json();
    expect((await authorizer(token)).ok).toBe(true);
    const bad = await fetch(`${base}/local/oidc/token`, { method: 'POST', body: '{"username":"<b>"}' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/local/oidc/nothing`)).status).toBe(404);
  });

  it('refuses a body over a megabyte before reading it all, with the API\'s error (its code, no-store)', async () => {
    const response = await post(undefined, { body: 'x'.repeat(1_100_000) });
    expect(response.status).toBe(413);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.json()).error.code).toBe('payload_too_large');
  });

  it('reads a request target in absolute form (as proxies send it) as its path and query', async () => {
    handled = [];
    const { port } = new URL(base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () => {
        socket.end(`GET ${base}/articles/${articleId(3)}?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    // The API's answer (an article route with a query it does not take), not the reader page's 404.
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('invalid_query');
    expect(handled).toEqual([expect.objectContaining({ rawPath: `/articles/${articleId(3)}`, rawQueryString: 'x=1' })]);
  });

  it('keeps an idle connection open for 65 s, longer than clients wait to reuse one (Node says 5 s unless told)', async () => {
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      const request = httpRequest(`${base}/articles?limit=1`, { headers: { connection: 'keep-alive' } }, (response) => {
        response.resume();
        resolve(String(response.headers['keep-alive']));
      });
      request.on('error', reject);
      request.end();
    });
    expect(keepAlive).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    expect(KEEP_ALIVE_MS).toBeGreaterThanOrEqual(60_000);
  });
});
