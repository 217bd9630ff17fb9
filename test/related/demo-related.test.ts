/**
 * The related boxes of the bundled demo (demo/site): every page extracted and stored through the real use cases,
 * in publication order, over the in-memory adapters. What a new user sees after `npm start`: the agency's rate
 * story, carried word for word by two outlets under their own headline, standfirst and appeal, is one story and
 * shows once in every box; nothing is linked by common words alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { extractFromBytes } from '../../functions/extract/extract-article';
import type { RelatedArticle } from '../../functions/contracts/model';
import { mapLimited } from '../../functions/shared/concurrency';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../../functions/store/memory-related-store';
import { createRelatedQueries } from '../../functions/use-cases/related-queries';
import { storeArticle, type ArticleDraft } from '../../functions/use-cases/store-article';
import { DEMO_DIR } from '../../local/demo-site';
import { labelled } from '../support/labelled';

const SITE = join(DEMO_DIR, 'site');

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? pages(path) : path.endsWith('.html') ? [path] : [];
  });
}

/** Demo pages by a word of their file name. */
const PAGE = {
  harborRate: 'reserve-bank-cuts-rate',
  meridianRate: 'estmark-central-bank-lowers-rate',
  courierRate: 'taux-directeur-estmark',
  ledgerRate: 'marchetti-cut',
  wildfire: 'sorrel-ridge-fire-wrenfield-evacuated',
  strike: 'dockworkers-walk-out',
  football: 'ashcombe-rovers-win',
} as const;

const articles = new MemoryArticleStore();
const related = new MemoryRelatedStore();
const queries = createRelatedQueries({ store: related, articles });
const idOf = new Map<string, string>();
const boxes = new Map<string, RelatedArticle[]>();
const id = (page: keyof typeof PAGE) => idOf.get(PAGE[page])!;
const storyOf = (articleId: string) => articles.articles.get(articleId)!.storyId;
let drafts: ArticleDraft[] = [];

/** Stores the drafts in this order, `concurrency` at a time, over new stores; every article's box at limit 50. */
async function storeAll(order: readonly ArticleDraft[], concurrency: number): Promise<Map<string, RelatedArticle[]>> {
  const store = { articles: new MemoryArticleStore(), related: new MemoryRelatedStore() };
  const deps = { ...store, sources: store.articles, telemetry: silentTelemetry };
  await mapLimited(order, concurrency, (draft) => storeArticle(draft, deps));
  const read = createRelatedQueries({ store: store.related, articles: store.articles });
  const result = new Map<string, RelatedArticle[]>();
  for (const draft of order) result.set(draft.id, (await read.findRelated(draft.id, { limit: 50 })) ?? []);
  return result;
}

/** At most once in every box, never in a box of its own copies, each article once. */
function expectAgencyStoryOnce(byOwner: ReadonlyMap<string, RelatedArticle[]>): void {
  const copies = new Set([id('harborRate'), id('meridianRate')]);
  for (const [owner, box] of byOwner) {
    labelled(owner, () => {
      const shown = box.filter((item) => copies.has(item.id));
      expect(shown.length).toBeLessThanOrEqual(copies.has(owner) ? 0 : 1);
      expect(new Set(box.map((item) => item.id)).size).toBe(box.length);
    });
  }
}

beforeAll(async () => {
  drafts = pages(SITE).map((path, i) => {
    const url = `https://demo.example/${relative(SITE, path)}`;
    const result = extractFromBytes(readFileSync(path), { url });
    if (!result.ok) throw new Error(`${path}: ${result.detail}`);
    const { article } = result;
    const sourceId = relative(SITE, path).split('/')[0]!;
    for (const word of Object.values(PAGE)) if (path.includes(word)) idOf.set(word, `demo-${i}`);
    return {
      id: `demo-${i}`,
      url,
      title: article.title,
      source: { id: sourceId, name: article.siteName ?? sourceId },
      publishedAt: article.publishedAt ?? '2026-11-25T00:00:00.000Z',
      modifiedAt: null,
      fetchedAt: '2026-11-29T00:00:00.000Z',
      summary: article.summary,
      body: article.body,
      byline: article.byline,
      imageUrl: null,
      language: article.language,
    };
  });
  drafts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
  for (const draft of drafts) await storeArticle(draft, { articles, related, sources: articles, telemetry: silentTelemetry });
  for (const draft of drafts) boxes.set(draft.id, (await queries.findRelated(draft.id, { limit: 50 })) ?? []);
  expect(idOf.size).toBe(Object.keys(PAGE).length);
});

describe('the demo related boxes', () => {
  it('gives the agency rate story one story id at both outlets that carry it, and other reports their own', () => {
    expect(storyOf(id('meridianRate'))).toBe(storyOf(id('harborRate')));
    expect(storyOf(id('courierRate'))).not.toBe(storyOf(id('harborRate')));
    expect(storyOf(id('ledgerRate'))).not.toBe(storyOf(id('harborRate')));
  });

  it('shows the agency story at most once in every box, and never in its own copies', () => {
    expectAgencyStoryOnce(boxes);
    const copies = new Set([id('harborRate'), id('meridianRate')]);
    expect(boxes.get(id('ledgerRate'))!.filter((item) => copies.has(item.id))).toHaveLength(1);
  });

  it('shows it once too when the pages are stored side by side, as the workers of `npm start` store them', async () => {
    // Copies indexed at the same moment read each other before either has its story: lists then name each copy
    // under its own id, and two copies may join each other's ids (assign-story.ts: unifyCopies; collapseRelated).
    const bySource = [...drafts].sort((a, b) => a.source.id.localeCompare(b.source.id) || a.id.localeCompare(b.id));
    for (const order of [drafts, [...drafts].reverse(), bySource]) {
      for (const concurrency of [2, 8, 16]) expectAgencyStoryOnce(await storeAll(order, concurrency));
    }
  });

  it('relates the reports of one event and links no unrelated story on common words', () => {
    expect(boxes.get(id('ledgerRate'))!.map((item) => item.id)).toContain(id('courierRate'));
    const wildfire = boxes.get(id('wildfire'))!.map((item) => item.id);
    expect(wildfire).not.toContain(id('strike'));
    expect(wildfire).not.toContain(id('football'));
    expect(boxes.get(id('football'))!.map((item) => item.id)).not.toContain(id('strike'));
    expect(boxes.get(id('strike'))!.map((item) => item.id)).not.toContain(id('wildfire'));
  });

  it('links none of the wildfire reports to any of the dock strike\'s, either way, whatever they share of common words', async () => {
    // Every outlet's reports, not one of each: the residents' return report shares `return`, `lines` and `contained`
    // (a stem with `container`) with the strike's, and listed three of them at 0.08-0.12 before RELATIVE_FLOOR.
    const about = (words: RegExp) => drafts.filter((draft) => words.test(draft.title)).map((draft) => draft.id);
    const fire = about(/Wrenfield|Sorrel Ridge/);
    const strike = about(/Velmouth/);
    expect(fire.length).toBeGreaterThanOrEqual(3);
    expect(strike.length).toBeGreaterThanOrEqual(4);
    for (const stored of [boxes, await storeAll([...drafts].reverse(), 8)]) {
      for (const [owner, others] of [
        [fire, strike],
        [strike, fire],
      ] as const) {
        for (const article of owner) labelled(article, () => expect(stored.get(article)!.map((item) => item.id)).toEqual(expect.not.arrayContaining(others)));
      }
    }
  });
});
