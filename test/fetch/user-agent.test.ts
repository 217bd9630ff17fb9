import { describe, expect, it } from '@jest/globals';
import { DEFAULT_USER_AGENT, PROJECT_URL, validateUserAgent } from '../../functions/fetch/user-agent';
import { productTokenOf } from '../../functions/fetch/robots';

describe('validateUserAgent', () => {
  it.each([
    'MyNews/1.0 (+https://news.example.org/bot)',
    'MyNews/1.0 (ops@news.example.org)',
    'MyNews (+https://news.example.org; ops@news.example.org)',
    '  Newsweave-Acme/2.3.1 (+http://acme.example/about-our-crawler)  ',
    DEFAULT_USER_AGENT,
  ])('accepts %s', (userAgent) => {
    expect(validateUserAgent(userAgent)).toBe(userAgent.trim());
  });

  it.each([
    ['', /empty/],
    ['MyNews/1.0', /contact/],
    ['MyNews/1.0 (a news crawler)', /contact/],
    ['MyNews/1.0 (+https://localhost)', /contact/],
    ['(compatible; MyNews; +https://news.example.org)', /product token/],
    ['/1.0 (+https://news.example.org)', /product token/],
    ['MyNews/1.0 (+https://news.example.org)\r\nX-Evil: 1', /printable ASCII/],
    ['MyNéws/1.0 (+https://news.example.org)', /printable ASCII/],
    [`MyNews/1.0 (+https://news.example.org/${'a'.repeat(300)})`, /more than 256/],
  ])('refuses %j', (userAgent, message) => {
    expect(() => validateUserAgent(userAgent)).toThrow(message);
  });

  it('names Newsweave and the project by default, with no placeholder', () => {
    expect(DEFAULT_USER_AGENT).toBe(`Newsweave/0.1 (+${PROJECT_URL})`);
    expect(DEFAULT_USER_AGENT).not.toMatch(/example|placeholder|todo|changeme/i);
  });
});

describe('productTokenOf', () => {
  it.each([
    ['Newsweave/0.1 (+https://x.example)', 'Newsweave'],
    ['MyNews-Bot (ops@x.example)', 'MyNews-Bot'],
    ['my_bot/2', 'my_bot'],
  ])('reads %s as %s', (userAgent, token) => {
    expect(productTokenOf(userAgent)).toBe(token);
  });

  it('refuses a User-Agent that starts with no token', () => {
    expect(() => productTokenOf('(compatible)')).toThrow(/product token/);
  });
});
