/**
 * `npm run bench`: runs every benchmark, one child process each, collects their JSON figures and writes
 * docs/benchmarks.md (each figure with the command that produced it, the machine, and the comparison measured in the
 * same run) and docs/cost.md (bench/cost-model.ts over the measured work).
 *
 * The slow benches run at a documented smaller size by default so that a full run fits in about a quarter of an hour
 * on two shared cores; `--full` runs each at its own default size instead.
 * Options: --full, --only name,name (a subset, for trying the script; the documents are written only by a full set).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { costDocument, type ApiLoadFigures, type BundleFigures, type WorkFigures } from './cost-model';
import type { HostileFigure } from './hostile';

const { values } = parseArgs({ options: { full: { type: 'boolean' }, only: { type: 'string' } } });
const full = values.full === true;

interface Step {
  readonly name: string;
  readonly command: string[];
  /** Where the figures come from when the bench has no `--json`: the file it writes, else its printed lines. */
  readonly file?: string;
}

const size = (args: string[]) => (full ? [] : args);
/** The last soak at its own default size (`npm run bench:ingest`), run alone: it takes a quarter of an hour. */
const FULL_SOAK =
  'At its default size, `npm run bench:ingest` (5,000 articles from 10 sources, commit f8bb439, nothing else running): ' +
  '5,000 queued = 5,000 stored + 0 duplicates + 0 rejected, 0 dead letters, 866 s, 5.8 articles per second.';
/** The last related-articles load at its own default size (`npm run bench:related`), over an index seeded once. */
const FULL_RELATED =
  'At 10,000 articles (`npm run bench:related -- --data-dir <dir>`, its default size, 50 connections for 20 s, over an ' +
  'index seeded earlier and kept in `<dir>`; 2026-12-06, at 88040a3, the machine otherwise idle): 5,832 calls, 292 a ' +
  'second, p50 139 ms, p99 339 ms, 0 errors, 1.46 DynamoDB requests a call. The same run while another job used a core: ' +
  'p50 202 ms, p99 465 ms.';
/** The related-articles dev sets (../shared/data/related-dev), served as pages by bench/work.ts --corpus. */
const REAL_TEXT_SETS = ['stories_basil', 'topics_wikiref220', 'stories_ecbplus_dev', 'categories_bbc_dev'];
const corpusPath = (set: string) => join('..', 'shared', 'data', 'related-dev', `${set}.jsonl`);
const STEPS: Step[] = [
  { name: 'extract', command: ['npm', 'run', '-s', 'bench:extract', '--', '--json'] },
  { name: 'hostile', command: ['npm', 'run', '-s', 'bench:hostile', '--', '--json'] },
  { name: 'related', command: ['npm', 'run', '-s', 'bench:related', ...(full ? [] : ['--', '--articles', '1500', '--duration', '10'])], file: '.bench/related.json' },
  { name: 'api', command: ['npm', 'run', '-s', 'bench:api', '--', '--json', ...size(['--connections', '50', '--duration', '15'])] },
  { name: 'ingest', command: ['npm', 'run', '-s', 'bench:ingest', '--', '--json', ...size(['--articles', '500'])] },
  { name: 'work', command: ['npx', 'tsx', 'bench/work.ts', '--json', ...size(['--articles', '400'])] },
  { name: 'bundles', command: ['npm', 'run', '-s', 'bench:bundles', '--', '--json'] },
  // The same work on real news text, when the labelled data is beside the repository (docs/cost.md, "On real text").
  ...REAL_TEXT_SETS.filter((set) => existsSync(corpusPath(set))).map((set) => ({
    name: `work:${set}`,
    command: ['npx', 'tsx', 'bench/work.ts', '--json', '--corpus', corpusPath(set)],
  })),
];
const selected = values.only ? STEPS.filter((step) => values.only!.split(',').includes(step.name)) : STEPS;

/**
 * A fixed piece of JavaScript work on one core (JSON out and back of 100,000 small records, and a sort of their
 * keys; the best of three), timed before the benches: two runs' times compare by it. Two virtual machines of one
 * CPU model have run the same code three times apart.
 */
function cpuReferenceMs(): number {
  const records = Array.from({ length: 100_000 }, (_, i) => ({ id: `article-${(i * 7919) % 100_000}`, score: (i % 97) / 97, terms: ['port', 'strike', String(i)] }));
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const copy = JSON.parse(JSON.stringify(records)) as typeof records;
    copy.map((record) => record.id).sort();
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best);
}

const machine = {
  cpuReferenceMs: cpuReferenceMs(),
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
  commit: execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(),
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
};

interface Result {
  step: Step;
  ok: boolean;
  seconds: number;
  figures: Record<string, unknown> | null;
}

async function run(step: Step): Promise<Result> {
  const started = Date.now();
  console.log(`> ${step.command.join(' ')}`);
  const child = spawn(step.command[0]!, step.command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const seconds = Math.round((Date.now() - started) / 1000);
  let figures = figuresIn(printed);
  // bench:related has no --json: its figures are in the file it writes, and its printed lines are shown.
  if (!figures) {
    process.stdout.write(printed);
    if (step.file && existsSync(step.file) && statSync(step.file).mtimeMs >= started) {
      figures = JSON.parse(readFileSync(step.file, 'utf8')) as Record<string, unknown>;
    } else if (step.name === 'related') {
      figures = relatedFromPrinted(printed);
    }
  }
  console.log(`  ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s`);
  return { step, ok: code === 0 && figures !== null, seconds, figures };
}

/** The bench's figures: the last printed JSON object that is not a log line (handlers log JSON to stdout too). */
function figuresIn(printed: string): Record<string, unknown> | null {
  for (const line of printed.trim().split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (!('level' in parsed && 'message' in parsed)) return parsed;
    } catch {
      // A line that merely starts with a brace.
    }
  }
  return null;
}

/** bench:related's two printed lines, should it stop writing its file. */
function relatedFromPrinted(printed: string): Record<string, unknown> | null {
  const seed = /related: (\d+) articles stored in (\d+) s[^(]*\(([\d.]+) DynamoDB requests each\)/.exec(printed);
  const load = /(\d+) calls, ([\d.]+) req\/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms, errors (\d+), DynamoDB requests per call ([\d.]+)/.exec(printed);
  if (!seed || !load) return null;
  const [storedArticles, seedSeconds, dynamoRequestsPerIngestedArticle] = seed.slice(1).map(Number);
  const [calls, requestsPerSecond, latencyP50Ms, latencyP99Ms, errors, dynamoRequestsPerCall] = load.slice(1).map(Number);
  return { storedArticles, seedSeconds, dynamoRequestsPerIngestedArticle, calls, requestsPerSecond, latencyP50Ms, latencyP99Ms, errors, dynamoRequestsPerCall };
}

const results: Result[] = [];
for (const step of selected) results.push(await run(step));
const loadAverageAtEnd = loadavg().map((value) => Number(value.toFixed(2)));

if (selected.length === STEPS.length) {
  const header = machineLine(machine, loadAverageAtEnd);
  writeFileSync('docs/benchmarks.md', benchmarksDocument(results, header));
  const work = results.find((r) => r.step.name === 'work')?.figures;
  const bundles = results.find((r) => r.step.name === 'bundles')?.figures;
  const realText = results.flatMap((r) =>
    r.step.name.startsWith('work:') && r.figures ? [{ name: r.step.name.slice('work:'.length), work: r.figures as unknown as WorkFigures }] : [],
  );
  const apiLoad = results.find((r) => r.step.name === 'api')?.figures;
  if (work && bundles) {
    writeFileSync(
      'docs/cost.md',
      costDocument(work as unknown as WorkFigures, bundles as unknown as BundleFigures, header, realText, apiLoad as ApiLoadFigures | undefined),
    );
  }
  console.log('wrote docs/benchmarks.md and docs/cost.md');
}
if (results.some((result) => !result.ok)) process.exitCode = 1;

function machineLine(m: typeof machine, endLoad: number[]): string {
  return (
    `Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ` +
    `commit ${m.commit}. Load average ${m.loadAverageAtStart.join(' / ')} at the start and ${endLoad.join(' / ')} at the end: ` +
    'the cores are shared with other work, so times are upper bounds; counts (requests, capacity units, bytes) do not depend on it. ' +
    `A fixed reference, JSON out and back of 100,000 records and a sort on one core, took ${m.cpuReferenceMs} ms at the start: compare two runs' times by it.`
  );
}

function commandOf(name: string): string {
  const shown = results.find((r) => r.step.name === name)?.step.command.filter((arg) => arg !== '-s' && arg !== '--json') ?? [];
  if (shown.at(-1) === '--') shown.pop();
  return `\`${shown.join(' ')}\``;
}

interface Scores {
  f1: number;
  precision: number;
  recall: number;
  meanMs: number;
  medianMs: number;
}
interface ExtractFigures {
  pages: number;
  ours: Scores;
  readabilityJsdom: Scores;
  speedupMean: number;
  speedupMedian: number;
}
interface CallFigures {
  calls: number;
  dynamoRequestsPerCall: number;
  readUnitsPerCall: number;
  cpuMsPerCall: number;
  requests: Record<string, number>;
}
interface WorkDetails {
  articles: number;
  sources: number;
  worker: Record<string, number> & { usage: { dynamoRequests: Record<string, number> } };
  fetcher: Record<string, number>;
  storage: { bytesPerArticle: number; byItemType: Record<string, { items: number; bytes: number }> };
  api: Record<string, CallFigures>;
}
interface BundleRow {
  name: string;
  bytes: number;
  limitBytes: number;
  withinLimit: boolean;
  loadMsMedian: number;
  loadMsMedianWithSourceMaps: number;
  awsSdkClients: string[];
  largestPackages: { package: string; kilobytes: number }[];
}

function benchmarksDocument(all: Result[], header: string): string {
  const get = <T>(name: string) => (all.find((r) => r.step.name === name)?.figures ?? {}) as Partial<T>;
  const status = all
    .map((r) => `| ${r.step.name} | ${commandOf(r.step.name)} | ${r.ok ? 'ok' : '**failed**'} | ${r.seconds} s |`)
    .join('\n');
  const extract = get<ExtractFigures>('extract');
  const hostile = get<{ workerTimeoutSeconds: number; shapes: HostileFigure[] }>('hostile');
  const related = get<Record<string, number>>('related');
  const api = get<Record<string, number> & { conditional?: Record<string, number> }>('api');
  const revalidated: Record<string, number> = api.conditional ?? {};
  const ingest = get<Record<string, number | boolean>>('ingest');
  const work = get<WorkDetails>('work');
  const bundles = get<{ loads: number; node: string; bundles: BundleRow[] }>('bundles');
  const w: Partial<WorkDetails['worker']> = work.worker ?? {};
  const f: Partial<WorkDetails['fetcher']> = work.fetcher ?? {};
  const calls = work.api ?? {};
  const handled = Math.max(1, (w.processed ?? 0) + (w.failed ?? 0));
  const row = (figure: string, value: unknown, comparison = '') => `| ${figure} | ${value ?? 'n/a'} | ${comparison} |`;
  const sections = [
    `# Benchmarks

${header}

Produced by \`npm run bench\` (bench/all.ts${full ? ', `--full`' : ''}), which runs each command below as a child process and
collects its JSON. ${full ? 'Each bench ran at its own default size.' : 'The slow benches ran at the smaller sizes shown in their commands; `npm run bench -- --full` runs each at its own default size (10,000 related articles, 5,000 ingested, 200 API connections for 30 s; alone on this machine 200 connections for 30 s gave 367 requests a second, p99 2.4 s, 0 errors; with the two cores shared by other jobs it served about 130 a second and 200 connections queued past autocannon\'s 10 s timeout).'}
The cost model built on these figures is in docs/cost.md.

| Bench | Command | Result | Time |
|---|---|---|---:|
${status}`,
    `## Extraction (${commandOf('extract')})

${extract.pages ?? 'n/a'} pages of the extraction dev set; F1 from the set's own scorer. Compared in the same run with Mozilla
Readability over jsdom.

| Figure | Ours (linkedom) | Readability + jsdom |
|---|---:|---:|
| F1 | ${extract.ours?.f1} | ${extract.readabilityJsdom?.f1} |
| Precision | ${extract.ours?.precision} | ${extract.readabilityJsdom?.precision} |
| Recall | ${extract.ours?.recall} | ${extract.readabilityJsdom?.recall} |
| Mean ms per page | ${fixed(extract.ours?.meanMs)} | ${fixed(extract.readabilityJsdom?.meanMs)} |
| Median ms per page | ${fixed(extract.ours?.medianMs)} | ${fixed(extract.readabilityJsdom?.medianMs)} |

Speed ratio (Readability + jsdom / ours): mean ${extract.speedupMean}x, median ${extract.speedupMedian}x.`,
    `## Hostile pages (${commandOf('hostile')})

Pages an outlet could serve to make the worker spend its time: extraction and, for a page it accepts, the analysis that
indexing begins with, the best of three runs on one core. A batch of ten records has the worker's timeout
(${hostile.workerTimeoutSeconds ?? 'n/a'} s), and one that overruns it sends the whole batch back; the last column is one page's share of it.

| Shape | Bytes | Outcome | Extraction ms | Analysis ms | Share of a batch |
|---|---:|---|---:|---:|---:|
${(hostile.shapes ?? []).map((f) => `| ${f.shape} | ${f.bytes.toLocaleString('en-US')} | ${f.outcome} | ${f.extractMs} | ${f.analyseMs ?? '-'} | ${f.batchShare} |`).join('\n')}`,
    `## Related articles (${commandOf('related')})

| Figure | Value | Compared with |
|---|---:|---|
${row('Articles stored (through the worker\'s storing and indexing code)', related.storedArticles)}
${row('Seeding time', related.seedSeconds === undefined ? undefined : `${related.seedSeconds} s`)}
${row('DynamoDB requests per indexed article', related.dynamoRequestsPerIngestedArticle)}
${row('`GET /articles/{id}/related` calls', related.calls, `${related.connections} connections for ${related.durationSeconds} s`)}
${row('Requests per second', related.requestsPerSecond)}
${row('Latency p50 / p99', related.latencyP50Ms === undefined ? undefined : `${related.latencyP50Ms} / ${related.latencyP99Ms} ms`)}
${row('Errors', related.errors, 'must be 0')}
${row('DynamoDB requests per call', related.dynamoRequestsPerCall)}

${FULL_RELATED}`,
    `## API under load (${commandOf('api')})

| Figure | Value | Compared with |
|---|---:|---|
${row('Requests', api.requests, `${api.connections} connections for ${api.durationSeconds} s over ${api.paths} paths (listing, article, related, sources)`)}
${row('Requests per second', api.requestsPerSecond)}
${row('Latency p50 / p99', api.latencyP50Ms === undefined ? undefined : `${api.latencyP50Ms} / ${api.latencyP99Ms} ms`)}
${row('Bytes per response', api.bytesPerResponse, 'headers and body')}
${row('Errors', api.errors, 'must be 0')}
${row('With If-None-Match: requests per second', revalidated.requestsPerSecond, 'the same paths, each with its current ETag: every answer a 304')}
${row('With If-None-Match: latency p50 / p99', revalidated.latencyP50Ms === undefined ? undefined : `${revalidated.latencyP50Ms} / ${revalidated.latencyP99Ms} ms`)}
${row('With If-None-Match: bytes per response', revalidated.bytesPerResponse, 'no body')}
${row('With If-None-Match: errors', revalidated.errors, 'must be 0 (anything but a 304 counts)')}`,
    `## Ingest soak (${commandOf('ingest')})

Synthetic outlets on loopback, the whole local stack in one process (fetcher, queue, worker, local DynamoDB and SQS).

| Figure | Value | Compared with |
|---|---:|---|
${row('Articles published', ingest.articles, `${ingest.sources} sources`)}
${row('Queued = stored + duplicates + rejected', ingest.queued === undefined ? undefined : `${ingest.queued} = ${ingest.stored} + ${ingest.duplicates} + ${ingest.rejected}`, ingest.balanced ? 'balanced' : '**not balanced**')}
${row('Dead letters', ingest.deadLetters, 'must be 0')}
${row('Articles per second', ingest.articlesPerSecond, `${ingest.seconds} s in all`)}

${FULL_SOAK}`,
    `## Work per article, per source refresh, per API call (${commandOf('work')})

The deployed handlers' code, with local DynamoDB, SQS and the outlets in a child process so that this process's CPU time is the
handlers' own. DynamoDB capacity units as the local server reports them for the table (ReturnConsumedCapacity), index writes
estimated from the written items (bench/support/aws-meter.ts). Bytes stored include DynamoDB's 100-byte overhead per item and per
index entry. The worker's CPU leaves out its first batch (JIT warm-up).

| Figure | Value | Compared with |
|---|---:|---|
${row('Articles (sources)', work.articles === undefined ? undefined : `${work.articles} (${work.sources})`, `${w.processed} stored or skipped, ${w.failed} failed`)}
${row('Worker: HTTP requests per article', w.httpRequestsPerArticle)}
${row('Worker: DynamoDB requests per article', w.dynamoRequestsPerArticle, Object.entries(w.usage?.dynamoRequests ?? {}).map(([op, c]) => `${op} ${(c / handled).toFixed(2)}`).join(', '))}
${row('Worker: write units per article (table + index)', w.writeUnitsPerArticle === undefined ? undefined : `${w.writeUnitsPerArticle} + ${w.indexWriteUnitsPerArticle}`)}
${row('Worker: read units per article', w.readUnitsPerArticle)}
${row('Worker: CPU ms per article', w.cpuMsPerArticle, `extraction alone on the same pages: ${w.extractCpuMsPerPage} ms; the SDK alone: ${w.sdkCpuMsPerRequest} ms per DynamoDB request (GetItem); first batch ${w.firstBatchCpuMsPerArticle} ms per article`)}
${row('Worker: log bytes per article (logs + EMF)', w.logBytesPerArticle)}
${row('Bytes stored per article', work.storage?.bytesPerArticle, Object.entries(work.storage?.byItemType ?? {}).map(([kind, v]) => `${kind} ${v.items} items, ${Math.round(v.bytes / handled)} B/article`).join('; '))}
${row('Fetcher: per source refresh', f.httpRequestsPerSource === undefined ? undefined : `${f.httpRequestsPerSource} HTTP, ${f.dynamoRequestsPerSource} DynamoDB requests, ${f.cpuMsPerSource} ms CPU`)}
${row('Fetcher: per queued article', f.dynamoRequestsPerQueuedArticle === undefined ? undefined : `${f.dynamoRequestsPerQueuedArticle} DynamoDB requests, ${f.writeUnitsPerQueuedArticle} WRU, ${f.readUnitsPerQueuedArticle} RRU, ${f.sqsRequestsPerQueuedArticle} SQS requests`)}
${Object.entries(calls)
  .map(([name, c]) => row(`API ${name}: per call`, `${c.dynamoRequestsPerCall} DynamoDB requests, ${c.readUnitsPerCall} RCU, ${c.cpuMsPerCall} ms CPU`, `${c.calls} calls: ${Object.keys(c.requests ?? {}).join(', ')}`))
  .join('\n')}`,
    `## Bundles and cold start (${commandOf('bundles')})

Each entry point bundled with the CDK construct's esbuild settings (lib/newsweave-function.ts), then imported by ${bundles.loads}
fresh Node ${bundles.node} processes (median): module compile and init, the local proxy for a cold start's INIT phase. The functions
run with \`--enable-source-maps\`, so that column is the one that matches the deployment.

| Bundle | Bytes | Target | Load | Load with source maps | SDK clients | Largest packages |
|---|---:|---:|---:|---:|---|---|
${(bundles.bundles ?? [])
  .map(
    (b) =>
      `| ${b.name} | ${b.bytes.toLocaleString('en-US')} | ${b.limitBytes.toLocaleString('en-US')}${b.withinLimit ? '' : ' **exceeded**'} | ${b.loadMsMedian} ms | ${b.loadMsMedianWithSourceMaps} ms | ${b.awsSdkClients.join(', ')} | ${b.largestPackages
        .slice(0, 5)
        .map((p) => `${p.package} ${p.kilobytes} KB`)
        .join(', ')} |`,
  )
  .join('\n')}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

function fixed(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(1) : 'n/a';
}
