/* global window */
// A deployment replaces this file to point the site at its API, e.g.
// window.NEWSWEAVE_API = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
// Left empty, the pages call the API on their own origin (the local stack serves both).
window.NEWSWEAVE_API = window.NEWSWEAVE_API || '';
// Where readers sign in to comment. Here: the local stack's development sign-in page. The deployed site's config.js is
// written by lib/reader-site.ts: { kind: 'cognito', domain, clientId, redirectUri }, the user pool's managed login.
window.NEWSWEAVE_AUTH = window.NEWSWEAVE_AUTH || { kind: 'local', signInUrl: '/local/oidc/sign-in' };
