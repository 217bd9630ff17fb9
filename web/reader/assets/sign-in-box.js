/* global window */
/**
 * Who is commenting: "Signed in as <name>" with Sign out, or Sign in to comment. Signing in leaves the page (auth.js)
 * and comes back to this article's hash.
 */
import { h } from './dom.js';

/** The box's contents for `session` (null: signed out). */
export function signInBox({ auth, session, onSignOut }) {
  if (session) {
    return [
      h('p', {}, 'Signed in as ', h('strong', { class: 'comment-user' }, session.name), session.moderator ? ' (moderator)' : ''),
      h('button', { type: 'button', class: 'secondary', onclick: onSignOut }, 'Sign out'),
    ];
  }
  return [
    h('p', {}, 'Sign in to join the conversation.'),
    h('button', { type: 'button', onclick: () => auth.signIn(window.location.hash) }, 'Sign in to comment'),
  ];
}
