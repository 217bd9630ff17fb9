/* global URL */
/**
 * Pure formatting helpers shared by the reader and the operator page: no DOM, no fetch.
 */

/**
 * A time is a length of time back from now, never a calendar word: 22 hours before 23:30 is not "yesterday", nor is
 * 20 January "last year" on 6 December. Each unit starts at one whole unit and counts whole units ("2 hours ago" up to
 * three), so the number shown is never more than the time that has passed.
 */
const DAY = 24 * 3600;
const UNITS = [
  { unit: 'year', seconds: 365 * DAY },
  { unit: 'month', seconds: (365 / 12) * DAY },
  { unit: 'day', seconds: DAY },
  { unit: 'hour', seconds: 3600 },
  { unit: 'minute', seconds: 60 },
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "22 minutes ago", "1 day ago", "10 months ago", "just now"; '' for a missing or invalid date. */
export function relativeTime(iso, now = Date.now()) {
  const then = parseTime(iso);
  if (then === null) return '';
  const seconds = (then - now) / 1000;
  const magnitude = Math.abs(seconds);
  // Under a minute, and a feed's clock a few seconds ahead of ours, is "just now", not "in 20 seconds".
  if (magnitude < 60) return 'just now';
  const { unit, seconds: size } = UNITS.find((candidate) => magnitude >= candidate.seconds);
  return relativeFormat.format(Math.sign(seconds) * Math.floor(magnitude / size), unit);
}

const absoluteFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "Nov 29, 2026, 5:13 AM" in the reader's time zone; '' when invalid. */
export function absoluteTime(iso) {
  const then = parseTime(iso);
  return then === null ? '' : absoluteFormat.format(then);
}

/** Epoch milliseconds of an ISO 8601 string, or null. */
export function parseTime(iso) {
  if (typeof iso !== 'string' || iso === '') return null;
  const then = Date.parse(iso);
  return Number.isNaN(then) ? null : then;
}

/** The API's body is plain text with paragraphs separated by a blank line. */
export function splitParagraphs(body) {
  if (typeof body !== 'string') return [];
  return body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '');
}

/** The URL if it is absolute http(s), else null: API data must never produce a `javascript:` link or image. */
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const countFormat = new Intl.NumberFormat('en');

export function formatCount(value) {
  return typeof value === 'number' && Number.isFinite(value) ? countFormat.format(value) : '–';
}

/** "1 article", "2 articles": `plural` is the noun with its final "s". */
export function countOf(count, plural) {
  return `${count} ${count === 1 ? plural.slice(0, -1) : plural}`;
}

/** A wait of whole seconds: "1 second", "42 seconds", "60 minutes", "10 hours". */
export function formatWait(seconds) {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

/** "45 ms", "1.2 s". */
export function formatMillis(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s`;
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ms`;
}
