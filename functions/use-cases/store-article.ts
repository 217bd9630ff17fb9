/**
 * Store an extracted article and index it: the worker's storing step, shared by the ingest use case and by
 * `scripts/eval-related.ts`. Terms come from the text, the story from near-duplicate detection; an article already
 * stored and indexed (same id) is a duplicate and is neither indexed nor counted again. The source count and
 * ArticlesStored follow the indexing and a conditional "indexed" marker on the article, so that a run interrupted
 * before it is completed by the redelivery, and two deliveries racing on one article count it once.
 */
import type { StoryIndex } from '../dedupe/story-index';
import type { Article } from '../model';
import type { ArticleStore, RelatedIndex, SourceStore } from '../ports';
import { analyzeArticle } from '../related/analyze-article';
import type { Telemetry } from '../shared/telemetry';

/** An article as extraction leaves it: the pipeline adds its story and terms. */
export type ArticleDraft = Omit<Article, 'storyId' | 'terms'>;

export interface StoreArticleDeps {
  readonly articles: ArticleStore;
  readonly related: RelatedIndex;
  readonly stories: StoryIndex;
  readonly sources: SourceStore;
  readonly telemetry: Telemetry;
}

export async function storeArticle(
  draft: ArticleDraft,
  deps: StoreArticleDeps,
): Promise<{ stored: boolean; article: Article }> {
  const terms = analyzeArticle({
    title: draft.title,
    body: draft.body,
    summary: draft.summary,
    language: draft.language,
    siteName: draft.source.name,
  });
  const storyId = await deps.stories.assignStory(draft.id, draft.body);
  const article: Article = { ...draft, storyId, terms };

  if (!(await deps.articles.putArticleIfAbsent(article))) {
    // Stored but not marked indexed: either a worker died between the put and the end of the indexing and this is
    // SQS delivering the message again, or another worker is storing the same article right now. Indexing is
    // idempotent, so finish it; the marker below decides which of them counts the article.
    if (await deps.articles.isIndexed(article.id)) return duplicate(article, deps);
    deps.telemetry.log.warn('completing a store that another delivery began', { articleId: article.id });
  }
  await deps.related.indexArticle(article);
  deps.telemetry.count('RelatedIndexUpdates');
  if (!(await deps.articles.markIndexed(article.id))) return duplicate(article, deps);
  await deps.sources.incrementArticleCount(article.source.id);
  deps.telemetry.count('ArticlesStored');
  return { stored: true, article };
}

function duplicate(article: Article, deps: StoreArticleDeps): { stored: false; article: Article } {
  deps.telemetry.count('DuplicatesSkipped');
  deps.telemetry.log.info('article already stored', { articleId: article.id });
  return { stored: false, article };
}
