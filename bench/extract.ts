/**
 * Extraction benchmark over the dev pages: our extractor and Mozilla Readability over jsdom (Readability's
 * `textContent` as the body), in the same run. Prints F1 from the benchmark's own scorer (score.py) and the mean
 * and median milliseconds per page of each, and writes the figures to `.bench/extract.json`.
 *
 *   npm run bench:extract            (data from ../shared/data/extraction-dev)
 *   npm run bench:extract -- --json  (the figures as JSON only)
 */
import { Readability } from '@mozilla/readability';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractFromBytes } from '../functions/extract/extract-article';

const dataDir = resolve(process.env.EXTRACTION_DEV_DIR ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'extraction-dev'));
const outDir = resolve(import.meta.dirname, '..', '.bench');

interface Page {
  readonly id: string;
  readonly url: string;
  readonly bytes: Uint8Array;
}

interface Run {
  readonly bodies: Record<string, { articleBody: string }>;
  readonly ms: number[];
}

function loadPages(): Page[] {
  const truth = JSON.parse(readFileSync(join(dataDir, 'ground-truth.json'), 'utf8')) as Record<string, { url: string }>;
  return readdirSync(join(dataDir, 'pages'))
    .filter((name) => name.endsWith('.html.gz'))
    .sort()
    .map((name) => {
      const id = name.replace(/\.html\.gz$/, '');
      return { id, url: truth[id]?.url ?? '', bytes: new Uint8Array(gunzipSync(readFileSync(join(dataDir, 'pages', name)))) };
    });
}

function ours(page: Page): string {
  const result = extractFromBytes(page.bytes, { url: page.url, contentType: 'text/html' });
  return result.ok ? result.article.body : '';
}

const quietConsole = new VirtualConsole();

function readabilityOverJsdom(page: Page): string {
  // jsdom sniffs the encoding of a Buffer itself, as a browser would.
  const dom = new JSDOM(Buffer.from(page.bytes), { url: page.url, virtualConsole: quietConsole });
  const text = new Readability(dom.window.document).parse()?.textContent ?? '';
  dom.window.close();
  return text;
}

function run(pages: readonly Page[], extract: (page: Page) => string): Run {
  const bodies: Record<string, { articleBody: string }> = {};
  const ms: number[] = [];
  for (const page of pages) {
    const started = performance.now();
    const articleBody = extract(page);
    ms.push(performance.now() - started);
    bodies[page.id] = { articleBody };
  }
  return { bodies, ms };
}

function score(name: string, bodies: Run['bodies']): { f1: number; precision: number; recall: number } {
  const dir = mkdtempSync(join(tmpdir(), 'newsweave-bench-'));
  const predictions = join(dir, `${name}.json`);
  let output: string;
  try {
    writeFileSync(predictions, JSON.stringify(bodies));
    output = execFileSync('python3', [join(dataDir, 'score.py'), predictions, '--per-page', join(outDir, `${name}-per-page.tsv`)], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figure = (key: string): number => Number(new RegExp(`^${key}\\s+([0-9.]+)`, 'm').exec(output)?.[1] ?? Number.NaN);
  return { f1: figure('F1'), precision: figure('precision'), recall: figure('recall') };
}

function summary(ms: readonly number[]): { meanMs: number; medianMs: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { meanMs: ms.reduce((sum, value) => sum + value, 0) / (ms.length || 1), medianMs: median };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const pages = loadPages();
  // Warm up both: JIT, module initialisation and lazy loading must not be charged to the first pages.
  run(pages.slice(0, 10), ours);
  run(pages.slice(0, 10), readabilityOverJsdom);

  const oursRun = run(pages, ours);
  const baselineRun = run(pages, readabilityOverJsdom);
  const results = {
    pages: pages.length,
    machine: `${process.platform} ${process.arch}, Node ${process.version}`,
    ours: { ...score('ours', oursRun.bodies), ...summary(oursRun.ms) },
    readabilityJsdom: { ...score('readability-jsdom', baselineRun.bodies), ...summary(baselineRun.ms) },
  };
  const speedup = results.readabilityJsdom.meanMs / results.ours.meanMs;
  const report = { ...results, speedupMean: round(speedup, 2), speedupMedian: round(results.readabilityJsdom.medianMs / results.ours.medianMs, 2) };
  writeFileSync(join(outDir, 'extract.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (parseArgs({ options: { json: { type: 'boolean' } } }).values.json) {
    console.log(JSON.stringify(report));
    return;
  }

  const line = (name: string, figures: typeof results.ours): string =>
    `${name.padEnd(20)} F1 ${figures.f1.toFixed(3)}  P ${figures.precision.toFixed(3)}  R ${figures.recall.toFixed(3)}  ` +
    `mean ${figures.meanMs.toFixed(1)} ms  median ${figures.medianMs.toFixed(1)} ms`;
  console.log(`${pages.length} pages from ${dataDir}`);
  console.log(line('ours (linkedom)', results.ours));
  console.log(line('readability+jsdom', results.readabilityJsdom));
  console.log(`speed ratio (readability+jsdom / ours): mean ${report.speedupMean}x, median ${report.speedupMedian}x`);
}

main();
