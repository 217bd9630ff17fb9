/**
 * A labelled related-articles corpus (`{ id, title, body, label }` per line, the format of ../shared/data/related-dev,
 * with an optional `date` or `publishedAt`) and how eval:related, the replay and the bench's outlets turn its lines
 * into articles: the same ids, sources and publication times, so that they rank alike. Labels are never read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ArticleDraft } from '../../functions/use-cases/store-article';

export interface CorpusLine {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /**
   * When the article was published (epoch milliseconds): the line's `date` or `publishedAt`, ISO 8601 (BASIL's
   * `2011-04-07`; `isoTime`), not after the time the corpus is read, kept only when every line of the corpus has
   * one (`readCorpus`).
   */
  readonly published?: number;
}

/**
 * An ISO 8601 calendar date, or date and time with an optional zone: `2011-04-07`, `2011-04-07T14:03:00Z`,
 * `2011-04-07 14:03+02:00`. The groups: year, month, day, time, zone.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : month >= 1 && month <= 12 ? 31 : 0;

/**
 * The time an ISO 8601 date stands for, or undefined: not that form, a day the month has not (`2011-02-30`, which
 * Date.parse reads as March 2nd), a time out of range. A time without a zone is UTC (Date.parse would read it in the
 * machine's zone; a Lambda's is UTC), as a date alone is.
 */
export function isoTime(text: string): number | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, time, zone] = match;
  if (Number(day) < 1 || Number(day) > daysInMonth(Number(year), Number(month))) return undefined;
  const offset = zone === undefined || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const parsed = Date.parse(`${year}-${month}-${day}T${time ?? '00:00'}${offset}`);
  return Number.isFinite(parsed) ? parsed : undefined;
}

const NO_DATE = 'it has no date or publishedAt';

/**
 * A line's publication time, from its `publishedAt`, else its `date`; or why it has none: no such field, a value that
 * is not an ISO 8601 date, or one after `now`: the worker stores a page dated after its fetch at its fetch time
 * (ingest-article.ts), so no stream holds it.
 */
function publishedOf(row: { date?: unknown; publishedAt?: unknown }, now: number): { time: number; why?: never } | { time?: never; why: string } {
  const field = row.publishedAt !== undefined && row.publishedAt !== null ? 'publishedAt' : 'date';
  const value = row[field];
  if (value === undefined || value === null) return { why: NO_DATE };
  if (typeof value !== 'string') return { why: `its ${field} is ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a string` };
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  const time = isoTime(value);
  if (time === undefined) return { why: `its ${field} ${shown} is not an ISO 8601 date` };
  if (time > now) return { why: `its ${field} ${shown} is after the time of this run` };
  return { time };
}

/** Lines are spread over this many synthetic sources. */
export const CORPUS_SOURCES = 8;
/** The first line's publication time in a corpus without dates; each next line one minute later. */
const START = Date.parse('2026-01-01T00:00:00.000Z');

/** A corpus's lines, and how they are timed, in words (eval:related and the replay say it on stderr). */
export interface Corpus {
  readonly lines: CorpusLine[];
  readonly times: string;
}

/**
 * The corpus's lines. Each keeps its publication time (`published`) when every line gives one: a stream's articles
 * carry their pages' dates, by which related articles rank events weeks apart (rank-related.ts: recency), so a
 * corpus that has them is stored with them; one that lacks some is stored with synthetic times throughout, as
 * articles of 2011 among articles timed one minute apart from 2026 on would be years older than their neighbours.
 * `times` says which, and when lines lack a date, how many and why the first does.
 */
export function loadCorpus(path: string): Corpus {
  const now = Date.now();
  const read = readFileSync(path, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, number: i + 1 }))
    .filter(({ text }) => text.trim())
    .map(({ text, number }) => {
      let row: Partial<CorpusLine> & { date?: unknown; publishedAt?: unknown };
      try {
        row = JSON.parse(text) as typeof row;
      } catch {
        throw new Error(`line ${number}: not JSON`);
      }
      if (typeof row?.id !== 'string' || typeof row.title !== 'string' || typeof row.body !== 'string') {
        throw new Error(`line ${number}: needs string id, title and body`);
      }
      return { line: { id: row.id, title: row.title, body: row.body }, number, published: publishedOf(row, now) };
    });
  const undated = read.filter(({ published }) => published.time === undefined);
  if (read.length > 0 && undated.length === 0) {
    return { lines: read.map(({ line, published }) => ({ ...line, published: published.time })), times: "the lines' own (date or publishedAt)" };
  }
  const synthetic = 'synthetic, one minute apart in the storing order';
  const first = undated[0];
  const none = !first || read.every(({ published }) => published.why === NO_DATE);
  return {
    lines: read.map(({ line }) => line),
    times: none
      ? `${synthetic} (no line has a date or publishedAt)`
      : `${synthetic}: ${undated.length} of ${read.length} lines have no date to use (the first, line ${first.number}: ${first.published.why}), ` +
        "and a corpus's own dates are used only when every line has one",
  };
}

/** The corpus's lines (`loadCorpus`). */
export const readCorpus = (path: string): CorpusLine[] => loadCorpus(path).lines;

/** True when every line has its publication time (and there is a line). */
export const isDated = (lines: readonly CorpusLine[]): boolean => lines.length > 0 && lines.every((line) => line.published !== undefined);

/** Corpus ids may hold any character; article ids are URL-safe. */
export const articleIdOf = (corpusId: string) => createHash('sha256').update(corpusId).digest('base64url').slice(0, 22);

/**
 * The publication time of the line at `index` of the storing order: its own, else one minute after the previous
 * line's, the first at `start` (the bench's outlets keep their own, so that their pages stay what they were).
 */
export const publicationTime = (line: CorpusLine, index: number, start = START): Date => new Date(line.published ?? start + index * 60_000);

/** The id, source and publication time of the line at `index`. */
export function corpusArticle(line: CorpusLine, index: number) {
  const id = articleIdOf(line.id);
  const bucket = id.charCodeAt(0) % CORPUS_SOURCES;
  return {
    id,
    url: `https://outlet-${bucket}.example/articles/${id}`,
    source: { id: `outlet-${bucket}`, name: `Outlet ${bucket}` },
    publishedAt: publicationTime(line, index).toISOString(),
  };
}

/**
 * The line at `index` as extraction would leave it: its title and body, a synthetic URL and source, English, and
 * its publication time (`publicationTime`).
 */
export function draftOf(line: CorpusLine, index: number): ArticleDraft {
  const { id, url, source, publishedAt } = corpusArticle(line, index);
  return {
    id,
    url,
    title: line.title,
    source,
    publishedAt,
    summary: '',
    body: line.body,
    byline: null,
    imageUrl: null,
    language: 'en',
    fetchedAt: publishedAt,
    modifiedAt: null,
  };
}

/** The lines in an order fixed by `seed` (Fisher-Yates over a linear congruential generator), as a stream mixes stories. */
export function shuffled<T>(lines: readonly T[], seed: number): T[] {
  const out = [...lines];
  let state = seed >>> 0 || 1;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
