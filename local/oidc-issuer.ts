/**
 * The local stack's OpenID Connect issuer, standing in for the Cognito user pool: a discovery document, a JWKS, and
 * access tokens shaped like Cognito's (`sub`, `username`, `client_id`, `token_use: access`, `cognito:groups`), signed
 * RS256 with a key made once and kept in the data dir. Signing and verifying are jose's (a maintained library), not
 * ours. There are no passwords: locally anyone may be anyone, which is the point of a development sign-in.
 */
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { MODERATORS_GROUP } from '../functions/comments/claims';

/** Where the issuer lives under the local stack's origin. */
export const LOCAL_OIDC_PATH = '/local/oidc';
/** The reader's client id locally: the audience the local adapter accepts, as the Cognito app client's id is deployed. */
export const LOCAL_CLIENT_ID = 'newsweave-reader-local';
/** Cognito's default access token lifetime. */
export const DEFAULT_TOKEN_SECONDS = 3600;
/** At most a day, so that a token pasted somewhere does not live on. */
export const MAX_TOKEN_SECONDS = 86_400;
/** Letters, marks, digits, `.`, `_` and `-`, 1 to 64: a subset of what Cognito allows in a username. */
export const LOCAL_USERNAME_PATTERN = /^[\p{L}\p{M}\p{N}._-]{1,64}$/u;

const ALGORITHM = 'RS256';
const KEY_FILE = ['oidc', 'signing-key.json'] as const;

/**
 * The issuer's URL, `http://localhost:<port>/local/oidc`: derived from the port here and only here, for the stack,
 * the token command and the tests alike. Tokens name it in `iss`, so it does not follow the host a request used.
 */
export function localIssuerUrl(port: number): string {
  return `http://localhost:${port}${LOCAL_OIDC_PATH}`;
}

export interface TokenRequest {
  readonly username: string;
  readonly moderator?: boolean;
  /** @default DEFAULT_TOKEN_SECONDS */
  readonly expiresInSeconds?: number;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly clientId: string;
  /** The public keys, as `/.well-known/jwks.json` serves them. */
  readonly jwks: JSONWebKeySet;
  discovery(): Record<string, unknown>;
  /** A signed access token; throws a RangeError for a username or lifetime out of bounds. */
  issueAccessToken(request: TokenRequest): Promise<string>;
}

/** A username's `sub`: stable for that name in every data dir, shaped like Cognito's (a UUID). */
export function localSubject(username: string): string {
  const hex = createHash('sha256').update(`newsweave-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function loadLocalIssuer(options: { readonly dataDir: string; readonly port: number }): Promise<LocalIssuer> {
  const privateJwk = await loadOrCreateKey(options.dataDir);
  const privateKey = await importJWK(privateJwk, ALGORITHM);
  const { kid, kty, n, e } = privateJwk;
  const publicJwk: JWK = { kid, kty, n, e, alg: ALGORITHM, use: 'sig' };
  const issuer = localIssuerUrl(options.port);
  return {
    issuer,
    clientId: LOCAL_CLIENT_ID,
    jwks: { keys: [publicJwk] },
    discovery: () => ({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      authorization_endpoint: `${issuer}/sign-in`,
      token_endpoint: `${issuer}/token`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALGORITHM],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid'],
      claims_supported: ['sub', 'username', 'cognito:groups', 'client_id', 'token_use', 'scope'],
    }),
    async issueAccessToken(request) {
      const seconds = request.expiresInSeconds ?? DEFAULT_TOKEN_SECONDS;
      if (!LOCAL_USERNAME_PATTERN.test(request.username)) {
        throw new RangeError('username: 1 to 64 letters, digits, ".", "_" or "-"');
      }
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
        throw new RangeError(`expires-in: a whole number of seconds from 1 to ${MAX_TOKEN_SECONDS}`);
      }
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        username: request.username,
        client_id: LOCAL_CLIENT_ID,
        token_use: 'access',
        scope: 'openid',
        auth_time: now,
        ...(request.moderator ? { 'cognito:groups': [MODERATORS_GROUP] } : {}),
      })
        .setProtectedHeader({ alg: ALGORITHM, kid })
        .setIssuer(issuer)
        .setSubject(localSubject(request.username))
        .setIssuedAt(now)
        .setExpirationTime(now + seconds)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    },
  };
}

/**
 * The signing key in `<dataDir>/oidc/signing-key.json` (private, mode 0600), made on first use. Written whole to a
 * temporary file, then linked into place (which fails if it exists), so that `npm start` and the token command
 * starting together agree on one key and neither reads half a file.
 */
async function loadOrCreateKey(dataDir: string): Promise<JWK> {
  const file = join(dataDir, ...KEY_FILE);
  const existing = readKey(file);
  if (existing) return existing;
  const { privateKey } = await generateKeyPair(ALGORITHM, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = createHash('sha256').update(`${jwk.n}`).digest('base64url').slice(0, 16);
  mkdirSync(join(dataDir, KEY_FILE[0]), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(temporary, `${JSON.stringify({ ...jwk, kid, alg: ALGORITHM })}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  const written = readKey(file);
  if (!written) throw new Error(`cannot read the local signing key at ${file}`);
  return written;
}

function readKey(file: string): JWK | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const jwk = JSON.parse(text) as JWK;
  if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`${file} is not an RSA private key made by Newsweave: delete it to make a new one`);
  }
  return jwk;
}
