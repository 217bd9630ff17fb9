/**
 * The User-Agent every fetch sends. Publishers read it to tell who crawls them and whom to write to, and robots.txt
 * groups name its product token, so a deployment names itself and a contact (`-c userAgent=...` when deployed,
 * NEWSWEAVE_USER_AGENT for `npm start`). Without one, the fetches name Newsweave and the project's address.
 */
export const PROJECT_URL = 'https://github.com/newsweave/newsweave';

export const DEFAULT_USER_AGENT = `Newsweave/0.1 (+${PROJECT_URL})`;

const MAX_USER_AGENT_CHARS = 256;
/** RFC 9110 product: a token, optionally `/version`. robots.txt matches the token (RFC 9309 §2.2.1: letters, `_`, `-`). */
const PRODUCT = /^[A-Za-z0-9_-]+(?:\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)?(?:\s|$)/;
const CONTACT_URL = /\bhttps?:\/\/[^\s()<>;,]+\.[^\s()<>;,]+/i;
const CONTACT_EMAIL = /[^\s()<>;,:@]+@[^\s()<>;,@]+\.[a-z]{2,}/i;

export class InvalidUserAgentError extends Error {
  override readonly name = 'InvalidUserAgentError';
}

/**
 * The User-Agent, trimmed, or InvalidUserAgentError saying what is wrong: it must be one printable ASCII line of at
 * most 256 characters, start with a product token (`MyNews/1.0`), and name a contact: an http(s) URL or an e-mail
 * address. A crawler that gives no way to reach its operator is the first one a publisher blocks.
 */
export function validateUserAgent(value: string): string {
  const userAgent = value.trim();
  if (!userAgent) throw new InvalidUserAgentError('the User-Agent is empty');
  if (userAgent.length > MAX_USER_AGENT_CHARS) {
    throw new InvalidUserAgentError(`the User-Agent has ${userAgent.length} characters, more than ${MAX_USER_AGENT_CHARS}`);
  }
  if (!/^[\x20-\x7e]+$/.test(userAgent)) {
    throw new InvalidUserAgentError('the User-Agent may hold printable ASCII characters only (it is an HTTP header)');
  }
  if (!PRODUCT.test(userAgent)) {
    throw new InvalidUserAgentError(`the User-Agent must start with a product token such as "MyNews/1.0", not "${userAgent.slice(0, 40)}"`);
  }
  if (!CONTACT_URL.test(userAgent) && !CONTACT_EMAIL.test(userAgent)) {
    throw new InvalidUserAgentError(
      `the User-Agent must name a contact, an http(s) URL or an e-mail address, as in "MyNews/1.0 (+https://news.example.org/bot; ops@example.org)": "${userAgent}"`,
    );
  }
  return userAgent;
}
