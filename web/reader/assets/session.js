/* global window, atob, TextDecoder */
/**
 * Who is signed in, in this tab: the access token and what the page shows of it (name, id, moderator), kept in
 * sessionStorage, so it ends with the tab and is never sent anywhere but the API's Authorization header. The token's
 * claims are read, not verified: the API checks the token; the page only needs to know whose comments to offer to
 * delete. The local development sign-in page (local/dev-sign-in) saves its token with the same functions.
 */

const KEY = 'newsweave.session';
/** A token this close to its expiry is treated as expired: it could lapse on its way to the API. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * The tab's sessionStorage, or null where the browser denies it (all cookies blocked, some private modes, a sandboxed
 * frame): reading `window.sessionStorage` itself throws there.
 */
export function tabStorage(win = window) {
  try {
    return win.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** The payload of a JWT, or null if it is not one. */
export function decodeClaims(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** The session an access token makes, or null for a token without a subject, a name or an expiry. */
export function sessionFromToken(accessToken) {
  const claims = decodeClaims(accessToken);
  if (!claims || typeof claims.sub !== 'string' || typeof claims.username !== 'string' || typeof claims.exp !== 'number') return null;
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  return {
    accessToken,
    userId: claims.sub,
    name: claims.username,
    moderator: groups.includes('moderators'),
    expiresAt: claims.exp * 1000,
  };
}

export function saveSession(accessToken, storage = window.sessionStorage) {
  const session = sessionFromToken(accessToken);
  if (!session) return null;
  storage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** The saved session, or null when there is none or it has (nearly) expired. */
export function readSession(storage = window.sessionStorage, now = Date.now()) {
  let saved;
  try {
    saved = JSON.parse(storage.getItem(KEY) ?? 'null');
  } catch {
    saved = null;
  }
  const session = saved && sessionFromToken(saved.accessToken);
  if (!session || session.expiresAt - EXPIRY_MARGIN_MS <= now) {
    if (saved) storage.removeItem(KEY);
    return null;
  }
  return session;
}

export function clearSession(storage = window.sessionStorage) {
  storage.removeItem(KEY);
}
