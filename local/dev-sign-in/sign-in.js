/* global window, document, fetch, URLSearchParams */
/**
 * The local development sign-in: asks a name, gets an access token from the local issuer (POST /local/oidc/token),
 * keeps it in the tab's session as the reader does after Cognito's managed login, and goes back to the reader.
 */
import { saveSession } from '/assets/session.js';

const form = document.getElementById('sign-in-form');
const error = document.getElementById('sign-in-error');
const requested = new URLSearchParams(window.location.search).get('return') ?? '';
// Only a reader route: never an address elsewhere.
const back = /^#\/[^\s]*$/.test(requested) ? requested : '#/';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const username = document.getElementById('username').value.trim();
  const moderator = document.getElementById('moderator').checked;
  try {
    const response = await fetch('/local/oidc/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, moderator }),
    });
    const body = await response.json();
    if (!response.ok || !saveSession(body.access_token)) throw new Error(body.error_description ?? 'no token');
    window.location.assign(`/${back}`);
  } catch (failure) {
    error.textContent = `Signing in failed: ${failure.message}`;
    error.hidden = false;
  }
});
