/**
 * The API's response shapes (docs/openapi.json), built field by field from the domain's records: a store that
 * returns more than it should (internal keys, raw terms) cannot leak it through the API.
 */
import type { Article, ArticleSummary, Comment, RelatedArticle, SourceState, WeightedTerm } from '../contracts/model';
import { topicTerm, UNSTEMMED } from '../related/analyze-article';
import { withholdAddresses } from '../shared/withhold-addresses';
import { refreshMinutes } from '../sources/refresh-interval';

/** How many of an article's terms are shown as its topics. */
export const MAX_TOPICS = 10;

export interface TopicView {
  /** The value for `/topics/{topic}/articles`. */
  readonly topic: string;
  /** How it reads in the text. */
  readonly label: string;
}

/** The full article: the stored one with its terms shown as topics, and its comment count. */
export interface ArticleView extends Omit<Article, 'terms'> {
  readonly topics: readonly TopicView[];
  readonly commentCount: number;
}

/**
 * A source's record as `GET /sources` shows it: its fetch state without the validators, its id as `id`, and its
 * schedule as the minutes between two runs (null when the record's schedule gives none).
 */
export type SourceView = Omit<SourceState, 'sourceId' | 'schedule' | 'etag' | 'lastModified' | 'lastFullFetchAt'> & {
  readonly id: string;
  readonly refreshMinutes: number | null;
};

export function presentSummary(summary: ArticleSummary): ArticleSummary {
  return {
    id: summary.id,
    url: summary.url,
    title: summary.title,
    source: { id: summary.source.id, name: summary.source.name },
    publishedAt: summary.publishedAt,
    summary: summary.summary,
  };
}

export function presentArticle(article: Article, commentCount: number): ArticleView {
  return {
    ...presentSummary(article),
    body: article.body,
    byline: article.byline,
    imageUrl: article.imageUrl,
    language: article.language,
    fetchedAt: article.fetchedAt,
    modifiedAt: article.modifiedAt,
    storyId: article.storyId,
    topics: topTopics(article.terms),
    commentCount,
  };
}

export function presentComment(comment: Comment): Comment {
  return {
    id: comment.id,
    articleId: comment.articleId,
    author: { id: comment.author.id, name: comment.author.name },
    body: comment.body,
    createdAt: comment.createdAt,
  };
}

export function presentRelated(related: RelatedArticle): RelatedArticle {
  return {
    ...presentSummary(related),
    score: Number.isFinite(related.score) ? related.score : 0,
    reasons: related.reasons.filter((reason) => typeof reason === 'string'),
  };
}

/**
 * Errors as the fetches recorded them, less any address literal but the source URL's own host (older records may
 * hold the addresses a name resolved to; the fetcher no longer writes them).
 */
export function presentSource(source: SourceState): SourceView {
  const keep = [hostOf(source.url)];
  const withheld = (text: string | null) => (text === null ? null : withholdAddresses(text, keep));
  return {
    id: source.sourceId,
    name: source.name,
    url: source.url,
    lastFetchedAt: source.lastFetchedAt,
    lastSuccessAt: source.lastSuccessAt,
    lastError: withheld(source.lastError),
    lastErrorKind: source.lastErrorKind,
    errorCount: source.errorCount,
    nextAttemptAt: source.nextAttemptAt,
    articleCount: source.articleCount,
    lastPageError: withheld(source.lastPageError),
    lastPageErrorAt: source.lastPageErrorAt,
    pageErrorCount: source.pageErrorCount,
    refreshMinutes: refreshMinutes(source.schedule),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * The heaviest terms as topics, instead of the raw weighted terms: weights are an internal of the ranking and
 * may change meaning, while a topic and its label are what a reader can follow.
 *
 * A topic is a value that `/topics/{topic}/articles` looks up under the term itself (topicTerm): the word as the
 * text wrote it, lowercase (`héloïse`, `ferries`), or else the term. The term alone is not enough: the route stems
 * one word as English, and a stem stemmed again is not always itself (`héloïs` -> `héloï`, `ostrau-am-se` ->
 * `ostrau-am-s`). A word of a text in another language is indexed as written, which the route looks up when the
 * English stem has no article (`élections`; `paris` lists the English articles under `pari` if there are some). A
 * term no form leads back to is left out: a topic whose page is empty helps no reader.
 */
export function topTopics(terms: readonly WeightedTerm[]): TopicView[] {
  const seen = new Set<string>();
  const topics: TopicView[] = [];
  for (const term of [...terms].sort((a, b) => b.weight - a.weight)) {
    if (topics.length === MAX_TOPICS) break;
    if (term.term.length === 0 || seen.has(term.term)) continue;
    seen.add(term.term);
    const label = term.label && term.label.length > 0 ? term.label : term.term;
    // The label as a topic is typed (lowercase, single spaces), unstemmed; else the term itself.
    const topic = [topicTerm(label, UNSTEMMED), term.term].find(
      (form) => topicTerm(form) === term.term || topicTerm(form, UNSTEMMED) === term.term,
    );
    if (topic !== undefined) topics.push({ topic, label });
  }
  return topics;
}
