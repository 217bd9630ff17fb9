/**
 * Hostile pages through the worker's CPU-bound steps: extraction (`extractFromBytes`) and, for a page it accepts, the
 * analysis that indexing begins with (`prepareIndexing`). Prints the milliseconds of each shape (the best of three
 * runs on one core), its outcome, and the share of a worker batch's time it takes: a batch of ten records has the
 * worker's timeout, and a record that overruns it sends the whole batch back. The tests check what each shape comes
 * to (test/extract/extract-article.test.ts, test/related/analyze-article.test.ts); how long it takes is measured here.
 *
 *   npm run bench:hostile            (a table)
 *   npm run bench:hostile -- --json  (the figures as JSON only)
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { QUEUE_SETTINGS } from '../functions/contracts/queue-settings';
import { MAX_ELEMENTS, MAX_HTML_BYTES, MAX_NESTING_DEPTH, extractFromBytes } from '../functions/extract/extract-article';
import { prepareIndexing } from '../functions/use-cases/index-article';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

const lead = '<p>The council met on Tuesday to approve the budget of the old town, after a long debate on the harbour.</p>'.repeat(8);
const page = (body: string) => `<!doctype html><html lang="en"><head><title>Council approves budget</title></head><body><article>${lead}${body}</article></body></html>`;
/** As many copies of `unit` as fit in `bytes` once inside the page. */
const fill = (unit: string, bytes: number) => unit.repeat(Math.floor((bytes - page('').length) / unit.length));

/** `count` Chinese characters, none repeated near another, from the `start`th run of them on. */
const hanCharacters = (count: number, start: number) =>
  Array.from({ length: count }, (_, i) => String.fromCharCode(0x4e00 + (((start * count + i) * 7919) % 20_000))).join('');

const SHAPES: { readonly name: string; readonly html: string }[] = [
  { name: 'runs of inline links, just under the element limit', html: page('<a href="/x">link text</a> '.repeat(MAX_ELEMENTS - 30)) },
  {
    name: 'a live blog of short posts, just under the element limit',
    html: page('<p>Update: the council <a href="/x">voted</a> on <em>item</em> of the harbour plan.</p>'.repeat(Math.floor((MAX_ELEMENTS - 30) / 3))),
  },
  { name: 'runs of inline links, 1.35 MB (refused: elements)', html: page('<a href="/x">link text</a> '.repeat(50_000)) },
  { name: `tiny elements, ${MAX_HTML_BYTES / 2 ** 20} MiB (refused: elements)`, html: page(fill('<div><span>a</span></div>', MAX_HTML_BYTES)) },
  { name: `nesting ${MAX_NESTING_DEPTH * 20} levels deep (refused: depth)`, html: page(`${'<div>'.repeat(MAX_NESTING_DEPTH * 20)}text`) },
  { name: 'paragraphs of a zero-width joiner, 60,000 characters', html: page('<p>\u200d</p>'.repeat(19_000)) },
  { name: 'one word 50,000 times', html: page(`<p>${'harbour '.repeat(50_000)}</p>`) },
  { name: 'a 1 MB word without spaces', html: page(`<p>${'a'.repeat(2 ** 20)}</p>`) },
  // Scripts written without spaces are read in words by ICU (functions/shared/unspaced-words.ts).
  {
    name: 'Chinese characters without punctuation, 99 paragraphs of 1,000',
    html: page(Array.from({ length: 99 }, (_, i) => `<p>${hanCharacters(1_000, i)}</p>`).join('')),
  },
  {
    name: 'Japanese prose, 99 paragraphs of 1,000 characters',
    html: page(`<p>${'日本銀行は金融政策決定会合で短期金利の誘導目標を引き上げることを決めた。'.repeat(28)}</p>`.repeat(99)),
  },
];

/** One shape's row (bench/all.ts reads them from `--json`). */
export interface HostileFigure {
  readonly shape: string;
  readonly bytes: number;
  readonly outcome: string;
  readonly extractMs: number;
  readonly analyseMs: number | null;
  /** Of the worker's timeout for a batch of ten: one record's share is a tenth. */
  readonly batchShare: number;
}

function best<T>(run: () => T): { value: T; ms: number } {
  let ms = Infinity;
  let value!: T;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    value = run();
    ms = Math.min(ms, performance.now() - started);
  }
  return { value, ms };
}

const figures: HostileFigure[] = SHAPES.map(({ name, html }) => {
  const bytes = new TextEncoder().encode(html);
  const extracted = best(() => extractFromBytes(bytes, { url: 'https://outlet.example/council', contentType: 'text/html' }));
  const result = extracted.value;
  const analysed = result.ok
    ? best(() => prepareIndexing({ id: 'bench', publishedAt: '2026-12-07T00:00:00.000Z', title: result.article.title, body: result.article.body, language: result.article.language ?? undefined }))
    : null;
  const totalMs = extracted.ms + (analysed?.ms ?? 0);
  return {
    shape: name,
    bytes: bytes.byteLength,
    outcome: result.ok ? `stored (${result.article.body.length} characters of body)` : `rejected: ${result.reason}`,
    extractMs: Math.round(extracted.ms),
    analyseMs: analysed ? Math.round(analysed.ms) : null,
    batchShare: Number((totalMs / (QUEUE_SETTINGS.workerTimeoutSeconds * 1000)).toFixed(3)),
  };
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ workerTimeoutSeconds: QUEUE_SETTINGS.workerTimeoutSeconds, shapes: figures })}\n`);
} else {
  console.log(`| Shape | Bytes | Outcome | Extraction ms | Analysis ms | Share of a ${QUEUE_SETTINGS.workerTimeoutSeconds} s batch |`);
  console.log('|---|---:|---|---:|---:|---:|');
  for (const f of figures) {
    console.log(`| ${f.shape} | ${f.bytes.toLocaleString('en-US')} | ${f.outcome} | ${f.extractMs} | ${f.analyseMs ?? '-'} | ${f.batchShare} |`);
  }
}
