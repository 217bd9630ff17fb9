/**
 * Pure readings of the metrics snapshot for the operator page: no DOM, no fetch.
 */
import { parseTime } from '/assets/format.js';

/** A source whose record does not say how often it is fetched is stale after a fixed window, as every source once was. */
export const FALLBACK_STALE_AFTER_MS = 30 * 60 * 1000;
/** Beyond the missed run: time for a run that takes the fetcher's whole 2 minutes, and for the schedule's own delay. */
const STALE_GRACE_MS = 5 * 60 * 1000;
const MIN_WINDOW_MS = 5 * 60 * 1000;
const MAX_WINDOW_MS = 30 * 60 * 1000;

/** Minutes between two scheduled fetches (`refreshMinutes`, a whole number), or null when the source does not say or says nonsense. */
export function refreshMinutesOf(source) {
  const minutes = source?.refreshMinutes;
  return Number.isSafeInteger(minutes) && minutes > 0 ? minutes : null;
}

/**
 * How long a source may go without a successful fetch before it is stale: two of its refresh intervals and 5 minutes
 * (a whole run missed, and time for a slow one), so that an hourly or daily source is not stale most of the time and
 * a 5-minute one is not fine for half an hour. 30 minutes when its interval is unknown.
 */
export function staleAfterMs(source) {
  const minutes = refreshMinutesOf(source);
  return minutes === null ? FALLBACK_STALE_AFTER_MS : 2 * minutes * 60_000 + STALE_GRACE_MS;
}

/** The staleness rule for this source, in words, for the page. */
export function staleRule(source) {
  const after = spellMinutes(staleAfterMs(source) / 60_000);
  return refreshMinutesOf(source) === null
    ? `Stale after ${after} without a successful fetch: the record does not say how often the source is refreshed.`
    : `Stale after ${after} without a successful fetch: two refresh intervals and 5 minutes.`;
}

/** `failing` (its last fetch failed), `stale`, `waiting` (never fetched yet) or `ok`. */
export function sourceHealth(source, nowMs) {
  if (typeof source?.errorCount === 'number' && source.errorCount > 0) return 'failing';
  const lastFetched = parseTime(source?.lastFetchedAt);
  const lastSuccess = parseTime(source?.lastSuccessAt);
  if (lastFetched === null && lastSuccess === null) return 'waiting';
  if (lastSuccess === null || nowMs - lastSuccess > staleAfterMs(source)) return 'stale';
  return 'ok';
}

/** "every 10 minutes", "every hour", "every 2 days"; "–" when the interval is unknown. */
export function formatInterval(minutes) {
  if (!(Number.isSafeInteger(minutes) && minutes > 0)) return '–';
  const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
}

/** "15 minutes", "2 hours 5 minutes", "2 days 5 minutes". */
function spellMinutes(total) {
  const minutes = Math.round(total);
  return [
    [Math.floor(minutes / 1440), 'day'],
    [Math.floor((minutes % 1440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ]
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`)
    .join(' ');
}

const HEALTH_ORDER = { failing: 0, stale: 1, waiting: 2, ok: 3 };

/** Sources that need attention first, then by name. */
export function sortByHealth(sources, nowMs) {
  return sources
    .map((source) => ({ source, health: sourceHealth(source, nowMs) }))
    .sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || String(a.source.name).localeCompare(String(b.source.name)));
}

/**
 * One point per bucket from the window's start to now, zero where the snapshot has no bucket (nothing happened).
 * The window is the last 30 minutes, or since the runtime started, but never under 5 minutes so a fresh start
 * does not stretch two points over the whole chart.
 */
export function fillSeries(snapshot, names) {
  const bucketMs = positiveNumber(snapshot?.bucketSeconds, 10) * 1000;
  const nowMs = parseTime(snapshot?.now) ?? Date.now();
  const startedMs = parseTime(snapshot?.startedAt) ?? nowMs;
  const end = Math.floor(nowMs / bucketMs) * bucketMs;
  const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, end - Math.floor(startedMs / bucketMs) * bucketMs));
  const start = end - Math.floor(span / bucketMs) * bucketMs;
  const byTime = new Map();
  for (const bucket of Array.isArray(snapshot?.series) ? snapshot.series : []) {
    if (typeof bucket?.t === 'number' && bucket.values && typeof bucket.values === 'object') byTime.set(bucket.t, bucket.values);
  }
  const points = [];
  for (let t = start; t <= end; t += bucketMs) {
    const values = byTime.get(t) ?? {};
    points.push({ t, values: Object.fromEntries(names.map((name) => [name, finiteOrZero(values[name])])) });
  }
  return { start, end, points };
}

/** A round axis maximum at or above `value` (1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten), so gridlines fall on readable values. */
export function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 3, 4, 5, 6, 8, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

/** `{ reason: count }` as `[reason, count]` pairs, largest first, ignoring anything that is not a count. */
export function rankCounts(counts) {
  if (!counts || typeof counts !== 'object') return [];
  return Object.entries(counts)
    .filter(([, count]) => typeof count === 'number' && Number.isFinite(count) && count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

function finiteOrZero(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function positiveNumber(value, fallback) {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
