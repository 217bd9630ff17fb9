/* global window */
// A deployment replaces this file to point the site at its API, e.g.
// window.NEWSWEAVE_API = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
// Left empty, the pages call the API on their own origin (the local stack serves both).
window.NEWSWEAVE_API = window.NEWSWEAVE_API || '';
