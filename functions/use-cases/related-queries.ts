/**
 * The read side of the related index: an article's related articles and a topic's articles, each two requests to
 * the store (the links or postings, then the summaries of the page; a third in a rare case: related articles read
 * deeper, a topic of another language looked up as written), and keyword search (a Query per term it looks up,
 * then the summaries). docs/related.md.
 */
import { createHash } from 'node:crypto';
import { stemmer } from 'stemmer';
import type { ArticleSummary, RelatedArticle } from '../contracts/model';
import { decodeSearchCursor, encodeSearchCursor } from '../contracts/cursor';
import type { ArticleStore, Page, RelatedStore, StoredRelated, TopicQuery } from '../ports';
import { textWords, topicTerm, UNSTEMMED } from '../related/analyze-article';
import { hasUnspacedLetters, isUnspacedTerm } from '../shared/unspaced-words';
import { ENGLISH_STOP_WORDS } from '../related/stop-words';
import { compareLinks, RELATIVE_FLOOR, strongLinks, type RelatedLink } from '../related/rank-related';
import { mapLimited, REQUEST_CONCURRENCY } from '../shared/concurrency';

/** What the API reads of the related index. */
export interface RelatedQueries {
  /** Best first, never the article itself nor a copy of it; null if the index does not know the article. */
  findRelated(articleId: string, query: { readonly limit: number }): Promise<RelatedArticle[] | null>;
  /** Articles about one entity or keyword, newest first. */
  listTopic(topic: string, query: TopicQuery): Promise<Page<ArticleSummary>>;
  /** Keyword search over the same postings, best first. */
  search(words: string, query: TopicQuery): Promise<Page<ArticleSummary>>;
}

/**
 * Later links read beyond the asked number: copies of one story and the links a redelivery left behind (one per
 * score it computed) are dropped when collapsing. When they still leave the list short and there may be more, the
 * links are read once more, RELATED_DEEP_READ of them (a wire story run by dozens of outlets): a third request.
 */
const RELATED_READ_SLACK = 10;
const RELATED_DEEP_READ = 200;
const MAX_SEARCH_WORDS = 4;
/** Each word as written and as a stem, a hyphenated one's parts too, within this many terms. */
const MAX_WORD_TERMS = MAX_SEARCH_WORDS * 2;
/** The words a search reads for names: a name's words, one-letter ones too (`Group B`, `James R`). */
const MAX_NAME_WORDS = 5;
/** The words' terms, and runs of two words or more as names: six or more (six runs in four words). */
const MAX_SEARCH_TERMS = MAX_WORD_TERMS + ((MAX_SEARCH_WORDS - 1) * MAX_SEARCH_WORDS) / 2;
/** Marks a topic cursor of the word as written (base64url, a cursor's alphabet, has no '.'). */
const AS_WRITTEN = 'w.';
/** Search ranks within the newest postings of each word; deeper pages are not offered. */
const SEARCH_DEPTH = 100;

export function createRelatedQueries(deps: { readonly store: RelatedStore; readonly articles: ArticleStore }): RelatedQueries {
  const { store, articles } = deps;

  /** The summaries of `ids`, in their order; ids whose article is gone are left out. */
  async function summariesInOrder(ids: readonly string[]): Promise<ArticleSummary[]> {
    const byId = new Map((await articles.getSummaries(ids)).map((summary) => [summary.id, summary]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  return {
    async findRelated(articleId, query) {
      const owner = (stored: StoredRelated) => ({ id: articleId, storyId: stored.storyId });
      const merged = (stored: StoredRelated) => [...stored.own, ...stored.later].sort(compareLinks);
      const read = query.limit + RELATED_READ_SLACK;
      let stored = await store.readRelated(articleId, read);
      if (!stored) return null;
      let links = collapseRelated(owner(stored), merged(stored), query.limit);
      // Read deeper only when the weakest later link read could still be shown (strongLinks, below).
      const weakestRead = stored.later.at(-1)?.score ?? 0;
      if (links.length < query.limit && stored.later.length >= read && weakestRead >= RELATIVE_FLOOR * (links[0]?.score ?? 0)) {
        stored = (await store.readRelated(articleId, Math.max(read, RELATED_DEEP_READ))) ?? stored;
        links = collapseRelated(owner(stored), merged(stored), query.limit);
      }
      // An earlier article's list gains later links after it was ranked: what is shown is what scores at least a fifth
      // of its best, as a new article's own list is stored (indexArticle).
      links = strongLinks(links);
      const byId = new Map((await articles.getSummaries(links.map((link) => link.id))).map((summary) => [summary.id, summary]));
      return links.flatMap((link) => {
        const summary = byId.get(link.id);
        return summary ? [{ ...summary, score: link.score, reasons: [...link.reasons] }] : [];
      });
    },

    async listTopic(topic, query) {
      const term = topicTerm(topic);
      if (!term) return { items: [], nextCursor: null };
      // A word of a text in another language is indexed as written, not stemmed as English: looked up so when the
      // English term has nothing, its pages then carry cursors marked as such.
      const written = topicTerm(topic, UNSTEMMED);
      const page = async (form: string, cursor: string | undefined, mark: string) => {
        const found = await store.readPostings(form, { ...query, cursor });
        return {
          items: await summariesInOrder(found.items.map((posting) => posting.id)),
          nextCursor: found.nextCursor === null ? null : `${mark}${found.nextCursor}`,
        };
      };
      if (query.cursor?.startsWith(AS_WRITTEN)) return page(written, query.cursor.slice(AS_WRITTEN.length), AS_WRITTEN);
      const first = await page(term, query.cursor, '');
      if (query.cursor || first.items.length > 0 || written === term) return first;
      return page(written, undefined, AS_WRITTEN);
    },

    async search(words, query) {
      const terms = searchTerms(words);
      const offset = query.cursor ? decodeSearchCursor(query.cursor, queryTag(terms), SEARCH_DEPTH * MAX_SEARCH_TERMS) : 0;
      if (terms.length === 0) return { items: [], nextCursor: null };
      const pages = await mapLimited(terms, REQUEST_CONCURRENCY, (term) => store.readPostings(term, { limit: SEARCH_DEPTH }));
      const scores = new Map<string, { id: string; publishedAt: string; score: number }>();
      // A posting's weight is the term's coordinate in the article's unit vector, which already weighs how rare the
      // word is (term-weight.ts): the sum over the words is the article's match, as a dot product with the query.
      terms.forEach((_term, i) => {
        for (const posting of pages[i]!.items) {
          const entry = scores.get(posting.id) ?? { id: posting.id, publishedAt: posting.publishedAt, score: 0 };
          entry.score += posting.weight;
          scores.set(posting.id, entry);
        }
      });
      const ranked = [...scores.values()].sort(
        (a, b) => b.score - a.score || b.publishedAt.localeCompare(a.publishedAt) || a.id.localeCompare(b.id),
      );
      const next = offset + query.limit;
      return {
        items: await summariesInOrder(ranked.slice(offset, next).map((entry) => entry.id)),
        nextCursor: next < ranked.length ? encodeSearchCursor(next, queryTag(terms)) : null,
      };
    },
  };
}

/**
 * Links best first -> what the API shows: never the article itself nor a copy of it, one link per article and one
 * per story (the best scored copy), at most `limit`.
 *
 * A link names its article and the story that article had when the link was written. Copies indexed at the same
 * moment can see each other before either has its story: one link may then name a copy's own id where another
 * names the story it later joined, and two copies that each found the other first join each other's ids. So a
 * link stands for every name it is known by: its id, its story, and the story any other link to the same article
 * names; links joined by a chain of shared names are one story, and one with the owner's id or story is a copy of it.
 */
export function collapseRelated(owner: { readonly id: string; readonly storyId: string }, links: readonly RelatedLink[], limit: number): RelatedLink[] {
  // Union-find over names: a link joins its id and its story, the owner its id and its story.
  const parent = new Map<string, string>();
  const root = (name: string): string => {
    const up = parent.get(name) ?? name;
    if (up === name) return name;
    const top = root(up);
    parent.set(name, top);
    return top;
  };
  const join = (a: string, b: string) => {
    const [x, y] = [root(a), root(b)];
    if (x !== y) parent.set(y, x);
  };
  join(owner.id, owner.storyId);
  for (const link of links) join(link.id, link.storyId);
  const shown = new Set<string>([root(owner.id)]);
  const kept: RelatedLink[] = [];
  for (const link of links) {
    if (kept.length === limit) break;
    const story = root(link.id);
    if (shown.has(story)) continue;
    shown.add(story);
    kept.push(link);
  }
  return kept;
}

/**
 * The terms a search looks up: its first MAX_SEARCH_WORDS words of two characters or more, each as written (texts in
 * other languages are indexed unstemmed) and as an English stem (English keywords and one-word names are indexed
 * stemmed), a hyphenated one by its parts too, since one article writes `long-term` and another `long term`; and the
 * runs of two words or more among its first MAX_NAME_WORDS words as names, which are terms of their own (`Bank of
 * England`, `Group B`: an article's topics are often names whose words alone are not among its posted terms). A run
 * that begins or ends with an English stop word is left out, as the analysis never makes such a name (`New York City`
 * is indexed `york city`). At most MAX_SEARCH_TERMS in all, the shortest runs first (most names are of two or three
 * words): one Query each.
 */
export function searchTerms(words: string): string[] {
  const all = textWords(words).map((word) => word.toLowerCase());
  const terms = new Set<string>();
  // A word of a script written without spaces is looked up only when articles are indexed by such a word.
  const worthLooking = (w: string) => (hasUnspacedLetters(w) ? isUnspacedTerm(w) : w.length >= 2);
  for (const word of all.filter(worthLooking).slice(0, MAX_SEARCH_WORDS)) {
    for (const form of [word, ...(word.includes('-') ? word.split('-').filter((part) => part.length >= 2) : [])]) {
      terms.add(form);
      terms.add(stemmer(form));
    }
  }
  const span = all.slice(0, MAX_NAME_WORDS);
  const names = new Set<string>();
  for (let size = 2; size <= span.length; size++) {
    for (let start = 0; start + size <= span.length; start++) {
      const run = span.slice(start, start + size);
      // Names are runs of capitalised words: a script written without spaces has no capitals, and its words are
      // segmented, never joined by a space.
      if (run.some(hasUnspacedLetters)) continue;
      if (!ENGLISH_STOP_WORDS.has(run[0]!) && !ENGLISH_STOP_WORDS.has(run.at(-1)!)) names.add(topicTerm(run.join(' ')));
    }
  }
  return [...[...terms].slice(0, MAX_WORD_TERMS), ...names].slice(0, MAX_SEARCH_TERMS);
}

/** Binds a search cursor to its query. */
const queryTag = (terms: readonly string[]) => createHash('sha256').update(terms.join('\n')).digest('base64url').slice(0, 12);
