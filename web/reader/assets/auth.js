/* global window, crypto, fetch, URL, URLSearchParams, TextEncoder, btoa */
/**
 * Signing in. Deployed (`kind: 'cognito'`, written into config.js by lib/reader-site.ts): Amazon Cognito's managed
 * login, the OAuth 2.0 authorization code flow with PKCE (S256) from the browser, which holds no secret. Locally
 * (`kind: 'local'`, the shipped config.js): the local stack's development sign-in page, which asks a name and gets a
 * token from the local issuer. Either way the access token ends up in the tab's session (session.js).
 */
import { clearSession, saveSession } from './session.js';

const PENDING_KEY = 'newsweave.sign-in';

export function base64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount) {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** RFC 7636: the S256 challenge of a verifier. */
export async function pkceChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** The config as config.js gives it, checked: null when signing in is not set up (comments are then read-only). */
export function readAuthConfig(value = window.NEWSWEAVE_AUTH) {
  if (value?.kind === 'local' && typeof value.signInUrl === 'string') return { kind: 'local', signInUrl: value.signInUrl };
  if (
    value?.kind === 'cognito' &&
    // HTTPS, or plain HTTP on this machine only (a stand-in for Cognito in tests).
    /^(https:\/\/[^/\s]+|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?)$/.test(value.domain ?? '') &&
    typeof value.clientId === 'string' &&
    /^https?:\/\//.test(value.redirectUri ?? '')
  ) {
    return { kind: 'cognito', domain: value.domain, clientId: value.clientId, redirectUri: value.redirectUri, scope: value.scope || 'openid' };
  }
  return null;
}

export function createAuth(config, { storage = window.sessionStorage, location = window.location, history = window.history } = {}) {
  /** Leaves the page for the sign-in page; `returnHash` is the route to come back to. */
  async function signIn(returnHash) {
    const back = /^#\//.test(returnHash ?? '') ? returnHash : '#/';
    if (config.kind === 'local') {
      location.assign(`${config.signInUrl}?return=${encodeURIComponent(back)}`);
      return;
    }
    const verifier = randomString(32);
    const state = randomString(16);
    storage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, returnHash: back }));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: config.scope,
      state,
      code_challenge: await pkceChallenge(verifier),
      code_challenge_method: 'S256',
    });
    location.assign(`${config.domain}/oauth2/authorize?${query}`);
  }

  /**
   * On the page's load: when the URL carries the managed login's answer (`?code=&state=`), trade the code for tokens
   * and clean the URL. Resolves to null when there was nothing to do, else `{ ok }` with an `error` when it failed.
   */
  async function completeSignIn() {
    if (config.kind !== 'cognito') return null;
    const url = new URL(location.href);
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    const failure = url.searchParams.get('error');
    if (!code && !failure) return null;
    let pending;
    try {
      pending = JSON.parse(storage.getItem(PENDING_KEY) ?? 'null');
    } catch {
      pending = null;
    }
    storage.removeItem(PENDING_KEY);
    history.replaceState(null, '', `${url.pathname}${pending?.returnHash ?? '#/'}`);
    if (failure) return { ok: false, error: 'Signing in was cancelled or refused.' };
    // A code without the state this tab sent is someone else's sign-in: never trade it.
    if (!pending || pending.state !== state) return { ok: false, error: 'That sign-in was not started here. Please sign in again.' };
    let response;
    try {
      response = await fetch(`${config.domain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.clientId,
          code,
          redirect_uri: config.redirectUri,
          code_verifier: pending.verifier,
        }),
      });
    } catch {
      return { ok: false, error: 'The sign-in service cannot be reached.' };
    }
    const tokens = await response.json().catch(() => null);
    if (!response.ok || !saveSession(tokens?.access_token, storage)) return { ok: false, error: 'Signing in failed. Please try again.' };
    return { ok: true };
  }

  /** Forgets the session; deployed, also ends the managed login's own session. */
  function signOut() {
    clearSession(storage);
    if (config.kind === 'cognito') {
      const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
      location.assign(`${config.domain}/logout?${query}`);
    }
  }

  return { kind: config.kind, signIn, completeSignIn, signOut };
}
