/**
 * `npm run bench:ingest`: an ingest soak through the local queue. Synthetic outlets on loopback publish N articles;
 * the local stack fetches the feeds, queues every URL, and the worker fetches, extracts, dedupes, indexes and stores
 * each one. Prints articles per second and checks that nothing was lost: queued = stored + duplicates + rejected.
 * Options: --articles N (default 5000), --sources N (default 10), --json (print the figures as JSON only).
 * Writes `.bench/ingest.json`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSyntheticOutlets } from './support/synthetic-outlets';
import { startBenchStack, waitUntilDrained } from './support/local-stack';

const { values } = parseArgs({ options: { articles: { type: 'string' }, sources: { type: 'string' }, json: { type: 'boolean' } } });
const say = values.json ? () => undefined : (line: string) => console.log(line);
const sourceCount = Number(values.sources ?? 10);
const articles = Number(values.articles ?? 5000);
const perSource = Math.ceil(articles / sourceCount);

const outlets = await startSyntheticOutlets({ sources: sourceCount, perSource });
const started = performance.now();
const bench = await startBenchStack(outlets.sources);
try {
  // Two minutes without progress (more while a message waits for its redelivery) means something is stuck; the
  // total allows a slow machine a second per article.
  const ops = await waitUntilDrained(bench.baseUrl, outlets.articleCount, {
    stallMs: 120_000,
    totalMs: Math.max(10 * 60_000, outlets.articleCount * 1_000),
    report: values.json ? (line) => process.stderr.write(`${line}\n`) : say,
  });
  const seconds = (performance.now() - started) / 1000;
  const t = ops.totals;
  const stored = t.ArticlesStored ?? 0;
  const duplicates = t.DuplicatesSkipped ?? 0;
  const rejected = t.PagesRejected ?? 0;
  const queued = t.UrlsQueued ?? 0;
  const balanced = queued === stored + duplicates + rejected;
  const figures = {
    articles: outlets.articleCount,
    sources: sourceCount,
    queued,
    stored,
    duplicates,
    rejected,
    rejectedByReason: ops.byDimension.PagesRejected ?? {},
    deadLetters: ops.queue.deadLetters,
    seconds: Math.round(seconds * 10) / 10,
    articlesPerSecond: Math.round((stored / seconds) * 10) / 10,
    balanced,
  };
  say(`ingest soak: ${outlets.articleCount} articles from ${sourceCount} sources`);
  say(`queued ${queued} = stored ${stored} + duplicates ${duplicates} + rejected ${rejected}: ${balanced ? 'balanced' : 'NOT BALANCED'}`);
  say(`dead letters ${ops.queue.deadLetters}`);
  say(`${figures.seconds} s, ${figures.articlesPerSecond} articles/s`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/ingest.json', JSON.stringify(figures, null, 2));
  if (values.json) console.log(JSON.stringify(figures));
  if (!balanced || stored !== outlets.articleCount) process.exitCode = 1;
} finally {
  await bench.stop();
  await outlets.stop();
}
