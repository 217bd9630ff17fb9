/**
 * Pure readings of the metrics snapshot for the operator page: no DOM, no fetch.
 */
import { parseTime } from '/assets/format.js';

/** The sources' schedules are not in the data, so "stale" is a fixed window: no success in the last 30 minutes. */
export const STALE_AFTER_MS = 30 * 60 * 1000;
const MIN_WINDOW_MS = 5 * 60 * 1000;
const MAX_WINDOW_MS = 30 * 60 * 1000;

/** `failing` (its last fetch failed), `stale`, `waiting` (never fetched yet) or `ok`. */
export function sourceHealth(source, nowMs) {
  if (typeof source?.errorCount === 'number' && source.errorCount > 0) return 'failing';
  const lastFetched = parseTime(source?.lastFetchedAt);
  const lastSuccess = parseTime(source?.lastSuccessAt);
  if (lastFetched === null && lastSuccess === null) return 'waiting';
  if (lastSuccess === null || nowMs - lastSuccess > STALE_AFTER_MS) return 'stale';
  return 'ok';
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
