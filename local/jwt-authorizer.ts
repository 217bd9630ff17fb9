/**
 * What API Gateway's JWT authorizer does, for the local stack: the token from `Authorization` (with or without
 * `Bearer `), signed RS256 by a key of the issuer's JWKS (found by `kid`, which the header must name: jose alone would
 * try the only key of a one-key set), from the configured issuer, for one of the configured audiences (`aud`, or
 * `client_id` when there is no `aud`, as Cognito access tokens have), within `exp` and `nbf`, and issued (`iat`) no
 * later than now. The claims reach the handler as API Gateway passes them: every value a string, an array as `[a b]`.
 * jose does the cryptography and the standard checks.
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwks: JSONWebKeySet;
}

export interface AuthorizedRequest {
  readonly claims: Record<string, string>;
  readonly scopes: string[] | null;
}

export type Authorization = { readonly ok: true; readonly jwt: AuthorizedRequest } | { readonly ok: false; readonly reason: string };

export type JwtAuthorizer = (authorizationHeader: string | undefined) => Promise<Authorization>;

export function createJwtAuthorizer(config: JwtAuthorizerConfig): JwtAuthorizer {
  const keys = createLocalJWKSet(config.jwks);
  return async (header) => {
    const token = (header ?? '').replace(/^\s*bearer(\s+|$)/i, '').trim();
    if (token === '') return { ok: false, reason: 'no token' };
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, keys, { algorithms: ['RS256'], issuer: config.issuer, requiredClaims: ['exp'] });
      if (typeof verified.protectedHeader.kid !== 'string') return { ok: false, reason: 'the token names no key ("kid")' };
      payload = verified.payload;
    } catch (error) {
      return { ok: false, reason: describe(error) };
    }
    // jose checks `iat` only against a maximum age; API Gateway refuses a token issued after now.
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000)) {
      return { ok: false, reason: 'the token\'s "iat" claim is not accepted' };
    }
    const audiences = payload.aud === undefined ? [payload.client_id] : ([] as unknown[]).concat(payload.aud);
    if (!audiences.some((audience) => typeof audience === 'string' && config.audience.includes(audience))) {
      return { ok: false, reason: 'the token is for another audience' };
    }
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s !== '') : [];
    return { ok: true, jwt: { claims: apiGatewayClaims(payload), scopes: scope.length > 0 ? scope : null } };
  };
}

/** Claims as API Gateway passes them to a Lambda integration: strings, arrays as `[a b]`, objects as JSON. */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  if (error instanceof errors.JWKSNoMatchingKey) return "no key of the issuer's JWKS matches the token";
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature is not valid';
  return 'the token is malformed';
}
