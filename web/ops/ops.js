/* global document, fetch, setTimeout */
/**
 * The operator page: the pipeline's metrics and the sources' health from the local runtime's /ops/metrics.json,
 * polled every 2 seconds. Figures are replaced in place; the last good figures stay up while the runtime is away.
 */
import { createApi, resolveApiBase } from '/assets/api.js';
import { h } from '/assets/dom.js';
import { absoluteTime, formatCount, formatMillis, parseTime, relativeTime } from '/assets/format.js';
import { drawLineChart } from './chart.js';
import { fillSeries, formatInterval, rankCounts, refreshMinutesOf, sortByHealth, staleRule } from './health.js';

const POLL_MS = 2_000;

/** Counters shown on top; `alert` ones are highlighted when above zero. */
const COUNTERS = [
  { name: 'ArticlesStored', label: 'Articles stored' },
  { name: 'DuplicatesSkipped', label: 'Duplicates skipped' },
  { name: 'PagesRejected', label: 'Pages rejected' },
  { name: 'PagesDeferred', label: 'Pages deferred (403)' },
  { name: 'UrlsQueued', label: 'URLs queued' },
  { name: 'SourcesFetched', label: 'Source fetches' },
  { name: 'FetchErrors', label: 'Fetch errors', alert: true },
  { name: 'DeadLettersRedriven', label: 'Dead letters redriven' },
  { name: 'DeadLettersGivenUp', label: 'Dead letters given up', alert: true },
  { name: 'RelatedIndexUpdates', label: 'Related index updates' },
  { name: 'ApiRequests', label: 'API requests' },
  { name: 'ApiErrors', label: 'API errors', alert: true },
];

/** Mid-tone colours readable on light and dark backgrounds; dashes keep the lines apart without colour. */
const SERIES = [
  { name: 'UrlsQueued', label: 'URLs queued', color: '#8a94a6', dash: '6 4' },
  { name: 'ArticlesStored', label: 'Articles stored', color: '#2f7ed8' },
  { name: 'DuplicatesSkipped', label: 'Duplicates skipped', color: '#9b6ad6', dash: '2 3' },
  { name: 'PagesRejected', label: 'Pages rejected', color: '#e08a1e' },
  { name: 'FetchErrors', label: 'Fetch errors', color: '#d64550', dash: '8 3 2 3' },
];

const TIMING_LABELS = { ExtractionTime: 'Article extraction', ApiLatency: 'API latency' };
const HEALTH_LABELS = { failing: 'Failing', stale: 'Stale', waiting: 'Not fetched yet', ok: 'OK' };

const api = createApi(resolveApiBase());
const element = (id) => document.getElementById(id);
let lastGoodAt = null;
let alertText = '';

async function poll() {
  if (!document.hidden) {
    try {
      const snapshot = await api.getOpsMetrics();
      render(snapshot);
      lastGoodAt = snapshot.now;
      setConnection(null);
    } catch (error) {
      setConnection(error);
    }
  }
  setTimeout(poll, POLL_MS);
}

function setConnection(error) {
  const status = element('ops-status');
  status.dataset.state = error ? 'offline' : 'live';
  element('ops-state').textContent = error
    ? 'Offline'
    : `Live · updated ${new Date().toLocaleTimeString('en', { hour12: false })}`;
  // The alert region is only written when its text changes, so screen readers hear a failure once, not every 2 s.
  const text = error
    ? `Cannot read the pipeline's metrics (${error.message}). Retrying every 2 seconds${lastGoodAt ? `; the figures below are from ${absoluteTime(lastGoodAt)}` : ''}.`
    : '';
  if (text !== alertText) {
    alertText = text;
    element('ops-alert').replaceChildren(text ? h('p', { class: 'notice notice-error' }, text) : '');
  }
}

function render(snapshot) {
  const nowMs = parseTime(snapshot.now) ?? Date.now();
  const totals = snapshot.totals && typeof snapshot.totals === 'object' ? snapshot.totals : {};
  const started = parseTime(snapshot.startedAt);
  element('ops-uptime').textContent = started === null ? '' : `Running since ${absoluteTime(snapshot.startedAt)}`;

  element('counters').replaceChildren(
    ...COUNTERS.map(({ name, label, alert }) => counter(label, totals[name] ?? 0, alert && totals[name] > 0, name)),
  );
  renderChart(snapshot);
  renderQueue(snapshot.queue);
  renderTimings(snapshot.timings);
  element('rejections').replaceChildren(bars(rankCounts(snapshot.byDimension?.PagesRejected), 'No page rejected so far.'));
  element('fetch-errors').replaceChildren(bars(rankCounts(snapshot.byDimension?.FetchErrors), 'No fetch error so far.'));
  renderSources(Array.isArray(snapshot.sources) ? snapshot.sources : [], nowMs);
}

function counter(label, value, alert, name) {
  return h('div', { class: 'counter', 'data-metric': name, 'data-alert': alert ? 'true' : undefined }, h('dt', {}, label), h('dd', {}, formatCount(value)));
}

function renderChart(snapshot) {
  const filled = fillSeries(snapshot, SERIES.map((line) => line.name));
  const sums = Object.fromEntries(SERIES.map(({ name }) => [name, filled.points.reduce((sum, point) => sum + point.values[name], 0)]));
  const minutes = Math.round((filled.end - filled.start) / 60_000);
  const description = `Over the last ${minutes} minutes: ${SERIES.map(({ name, label }) => `${label.toLowerCase()} ${formatCount(sums[name])}`).join(', ')}.`;
  element('throughput-chart').replaceChildren(drawLineChart(filled, SERIES, { title: 'Pipeline throughput', description }));
  element('throughput-legend').replaceChildren(
    ...SERIES.map(({ name, label, color }) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      // Set through the CSSOM: the page's content security policy refuses inline style attributes.
      swatch.style.background = color;
      return h('li', {}, swatch, `${label}: ${formatCount(sums[name])}`);
    }),
  );
}

function renderQueue(queue) {
  const depth = (value) => (typeof value === 'number' ? value : null);
  const deadLetters = depth(queue?.deadLetters);
  element('queue').replaceChildren(
    counter('Waiting', depth(queue?.visible), false, 'visible'),
    counter('In flight', depth(queue?.inFlight), false, 'inFlight'),
    counter('Dead letters', deadLetters, deadLetters !== null && deadLetters > 0, 'deadLetters'),
  );
}

function renderTimings(timings) {
  const rows = Object.entries(timings && typeof timings === 'object' ? timings : {}).filter(([, timing]) => timing && typeof timing === 'object');
  if (rows.length === 0) {
    element('timings').replaceChildren(h('p', { class: 'empty' }, 'No timings yet.'));
    return;
  }
  element('timings').replaceChildren(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Step'), ['Count', 'p50', 'p99'].map((name) => h('th', { scope: 'col', class: 'number' }, name)))),
      h(
        'tbody',
        {},
        rows.map(([name, timing]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, TIMING_LABELS[name] ?? name),
            h('td', { class: 'number' }, formatCount(timing.count)),
            h('td', { class: 'number' }, formatMillis(timing.p50)),
            h('td', { class: 'number' }, formatMillis(timing.p99)),
          ),
        ),
      ),
    ),
  );
}

function bars(ranked, emptyText) {
  if (ranked.length === 0) return h('p', { class: 'empty' }, emptyText);
  const largest = ranked[0][1];
  return h(
    'ul',
    { class: 'bars' },
    ranked.map(([reason, count]) => {
      const fill = h('span', { class: 'bar-fill' });
      fill.style.width = `${Math.max(2, (count / largest) * 100)}%`;
      return h('li', { class: 'bar-row' }, h('span', {}, reason), h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill), h('span', { class: 'bar-value' }, formatCount(count)));
    }),
  );
}

function renderSources(sources, nowMs) {
  if (sources.length === 0) {
    element('sources').replaceChildren(h('p', { class: 'empty' }, 'No sources reported yet.'));
    return;
  }
  const when = (iso) => (parseTime(iso) === null ? h('span', {}, 'never') : h('time', { datetime: iso, title: absoluteTime(iso) }, relativeTime(iso, nowMs)));
  element('sources').replaceChildren(
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Sources and their health, problems first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Source', 'Health', 'Last success', 'Last fetch', 'Next attempt', 'Refreshed'].map((name) => h('th', { scope: 'col' }, name)),
          ['Errors', 'Articles'].map((name) => h('th', { scope: 'col', class: 'number' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        sortByHealth(sources, nowMs).map(({ source, health }) =>
          h(
            'tr',
            { 'data-health': health, 'data-source': String(source.id ?? '') },
            h(
              'th',
              { scope: 'row' },
              String(source.name ?? source.id ?? ''),
              source.lastError ? h('span', { class: 'error-detail' }, `${source.lastErrorKind ? `${source.lastErrorKind}: ` : ''}${source.lastError}`) : null,
              source.lastPageError
                ? h('span', { class: 'error-detail page-error' }, `page refused${parseTime(source.lastPageErrorAt) === null ? '' : ` ${relativeTime(source.lastPageErrorAt, nowMs)}`}: ${source.lastPageError}`)
                : null,
            ),
            h('td', {}, h('span', { class: `badge badge-${health}`, title: health === 'ok' || health === 'stale' ? staleRule(source) : undefined }, HEALTH_LABELS[health])),
            h('td', {}, when(source.lastSuccessAt)),
            h('td', {}, when(source.lastFetchedAt)),
            h('td', {}, parseTime(source.nextAttemptAt) === null ? '–' : when(source.nextAttemptAt)),
            h('td', { 'data-column': 'refresh' }, formatInterval(refreshMinutesOf(source))),
            h('td', { class: 'number' }, formatCount(source.errorCount ?? 0)),
            h('td', { class: 'number' }, formatCount(source.articleCount ?? 0)),
          ),
        ),
      ),
    ),
  );
}

/** The one action here: the same redrive the schedule runs, with every cool-down skipped. */
async function redrive() {
  const button = element('redrive');
  const result = element('redrive-result');
  button.disabled = true;
  result.textContent = 'Redriving…';
  try {
    // JSON, so that the runtime can tell this page's request from a cross-site form post.
    const response = await fetch('/ops/redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!response.ok) {
      // A run that left letters behind says how many and why in its error's message.
      const detail = await response.json().then((body) => body?.error?.message, () => undefined);
      throw new Error(typeof detail === 'string' && detail ? detail : `HTTP ${response.status}`);
    }
    const summary = await response.json();
    const more = summary.moreLeft === true ? ' More are left: redrive again.' : '';
    result.textContent = `${formatCount(summary.redriven ?? 0)} sent back to the queue, ${formatCount(summary.alreadyDone ?? 0)} already processed, ${formatCount(summary.malformed ?? 0)} malformed removed.${more}`;
  } catch (error) {
    result.textContent = `Redrive failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

element('redrive').addEventListener('click', () => void redrive());
void poll();
