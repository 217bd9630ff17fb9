/**
 * The signed-in user, read from the claims API Gateway's JWT authorizer passes on
 * (`requestContext.authorizer.jwt.claims`). The local adapter (local/http-to-apigw.ts) passes the same shape.
 *
 * Cognito access tokens carry `sub`, `username`, `token_use: access` and, for a user in a group, `cognito:groups`.
 * API Gateway turns every claim into a string, an array as `[a b]` (Cognito's group names hold no whitespace); a
 * hand-made event may give a real array.
 *
 * API Gateway's JWT authorizer accepts a Cognito ID token too (its `aud` is the app client, as an access token's
 * `client_id` is): an ID token tells a client who signed in, it does not authorise calls, so one is refused here.
 */
import type { User } from '../contracts/model';

export const MODERATORS_GROUP = 'moderators';
/** The claim whose value is shown as a comment's author: the user's Cognito username, unique in the pool. */
export const DISPLAY_NAME_CLAIM = 'username';
export const GROUPS_CLAIM = 'cognito:groups';
/** Cognito's kind of token: `access` or `id`. */
export const TOKEN_USE_CLAIM = 'token_use';

const MAX_NAME_LENGTH = 128;
const MAX_SUBJECT_LENGTH = 128;

/** Null when the claims do not name a user (no authorizer ran, not an access token, no `sub` or no name). */
export function userFromClaims(claims: unknown): User | null {
  if (typeof claims !== 'object' || claims === null) return null;
  const record = claims as Record<string, unknown>;
  if (record[TOKEN_USE_CLAIM] !== 'access') return null;
  const id = record.sub;
  const name = record[DISPLAY_NAME_CLAIM];
  if (typeof id !== 'string' || id === '' || id.length > MAX_SUBJECT_LENGTH) return null;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) return null;
  return { id, name, isModerator: parseGroups(record[GROUPS_CLAIM]).includes(MODERATORS_GROUP) };
}

/**
 * `[moderators]`, `[a b]`, `a b`, `["a"]` as an array, or nothing: the groups, in any of these. A string is split at
 * whitespace only, as API Gateway joins them, and never read as JSON or split at commas: a Cognito group name may hold
 * both (`editors,moderators` or `"moderators"` is one group, not a moderator's).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'string') return [];
  const text = value.trim();
  return splitGroups(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
}

function splitGroups(text: string): string[] {
  return text.split(/\s+/).filter((group) => group !== '');
}
