/**
 * A labelled related-articles corpus (`{ id, title, body, label }` per line, the format of ../shared/data/related-dev)
 * and how eval:related and the replay turn its lines into articles: the same ids, sources and publication times, so
 * that the two rank alike. Labels are never read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ArticleDraft } from '../../functions/use-cases/store-article';

export interface CorpusLine {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

/** Lines are spread over this many synthetic sources. */
export const CORPUS_SOURCES = 8;
/** The first line's publication time; each next line one minute later. */
const START = Date.parse('2026-01-01T00:00:00.000Z');

export function readCorpus(path: string): CorpusLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      let row: Partial<CorpusLine>;
      try {
        row = JSON.parse(line) as Partial<CorpusLine>;
      } catch {
        throw new Error(`line ${i + 1}: not JSON`);
      }
      if (typeof row?.id !== 'string' || typeof row.title !== 'string' || typeof row.body !== 'string') {
        throw new Error(`line ${i + 1}: needs string id, title and body`);
      }
      return { id: row.id, title: row.title, body: row.body };
    });
}

/** Corpus ids may hold any character; article ids are URL-safe. */
export const articleIdOf = (corpusId: string) => createHash('sha256').update(corpusId).digest('base64url').slice(0, 22);

/** The id, source and publication time of the line at `index`. */
export function corpusArticle(line: CorpusLine, index: number) {
  const id = articleIdOf(line.id);
  const bucket = id.charCodeAt(0) % CORPUS_SOURCES;
  return {
    id,
    url: `https://outlet-${bucket}.example/articles/${id}`,
    source: { id: `outlet-${bucket}`, name: `Outlet ${bucket}` },
    publishedAt: new Date(START + index * 60_000).toISOString(),
  };
}

/**
 * The line at `index` as extraction would leave it: its title and body, a synthetic URL and source, English, and
 * a publication time one minute after the previous line's.
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
