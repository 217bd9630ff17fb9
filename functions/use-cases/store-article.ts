/**
 * Store an extracted article and index it: the worker's storing step, shared by the ingest use case and by
 * `scripts/eval-related.ts`. The article's terms come from its text, its story from the copies among its related
 * candidates (functions/dedupe/assign-story.ts). An article whose indexing is already done (same id) is a
 * duplicate: neither stored, indexed nor counted again. The own list, written last and once (index-article.ts),
 * decides which delivery counts the article, so a run interrupted half-way is completed by the redelivery and two
 * deliveries racing on one article count it once.
 */
import { assignStory, unifyCopies } from '../dedupe/assign-story';
import type { Article } from '../contracts/model';
import type { ArticleStore, RelatedStore, SourceStore } from '../ports';
import { messageOf } from '../shared/error-text';
import type { Telemetry } from '../shared/telemetry';
import { findCandidates, indexArticle, prepareIndexing, type CandidateSearch } from './index-article';

/** An article as extraction leaves it: the pipeline adds its story and terms. */
export type ArticleDraft = Omit<Article, 'storyId' | 'terms'>;

export interface StoreArticleDeps {
  readonly articles: ArticleStore;
  readonly related: RelatedStore;
  readonly sources: Pick<SourceStore, 'incrementArticleCount'>;
  readonly telemetry: Telemetry;
  /** @default CANDIDATE_SEARCH */
  readonly search?: CandidateSearch;
}

export async function storeArticle(
  draft: ArticleDraft,
  deps: StoreArticleDeps,
): Promise<{ stored: boolean; article: Article }> {
  const prepared = prepareIndexing({ ...draft, siteName: draft.source.name });
  if (await deps.related.isIndexed(draft.id)) return duplicate({ ...draft, storyId: draft.id, terms: prepared.terms }, deps);

  // An earlier delivery's time, if one began: a page without a date falls back to each delivery's fetch time.
  const publishedAt = await deps.related.putEntry(prepared.entry, prepared.postings);
  const entry = { ...prepared.entry, publishedAt };
  const candidates = unifyCopies(await findCandidates(deps.related, entry, deps.search));
  let article: Article = { ...draft, publishedAt, storyId: assignStory(entry, candidates), terms: prepared.terms };
  if (!(await deps.articles.putArticleIfAbsent(article))) {
    // Stored but not indexed: a worker died before the end of the indexing and this is SQS delivering the message
    // again, or another worker is storing the same article right now. Keep the article as it was stored: its story,
    // and its source, which counts it (another feed's URL of the same canonical one may be this delivery's); indexing
    // is idempotent, so finish it, and the own list decides which of them counts the article.
    const existing = await deps.articles.getArticle(draft.id);
    if (existing) article = existing;
    deps.telemetry.log.warn('completing a store that another delivery began', { articleId: article.id });
  }
  const result = await indexArticle(
    deps.related,
    { entry: { ...entry, storyId: article.storyId }, labels: prepared.labels },
    candidates,
  );
  deps.telemetry.count('RelatedIndexUpdates');
  if (!result.created) return duplicate(article, deps);
  // The own list is stored: a redelivery would find the article indexed and count it no more, so a count that fails
  // is not thrown for SQS to retry (which could only end in a duplicate), but logged: the source's count stays one
  // short, as when the worker dies here (docs/guarantees.md, "Known gaps").
  try {
    await deps.sources.incrementArticleCount(article.source.id);
  } catch (error) {
    deps.telemetry.log.error("the article is stored, but its source's article count could not be incremented", {
      articleId: article.id,
      sourceId: article.source.id,
      error: messageOf(error),
    });
  }
  // Counted last, as it was, the nearest to the URL's outcome, which ingestArticle writes next.
  deps.telemetry.count('ArticlesStored');
  return { stored: true, article };
}

function duplicate(article: Article, deps: StoreArticleDeps): { stored: false; article: Article } {
  deps.telemetry.count('DuplicatesSkipped');
  deps.telemetry.log.info('article already stored', { articleId: article.id });
  return { stored: false, article };
}
