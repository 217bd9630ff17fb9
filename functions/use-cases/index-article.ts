/**
 * Index an article for related articles, topics and search: the use case behind the worker's storing step, over the
 * RelatedStore port (DynamoDB in Lambda and the local stack, memory in the replay and unit tests). The scoring is
 * pure (functions/related/rank-related.ts); this module decides what is read and written. docs/related.md.
 *
 * 1. prepareIndexing (pure): the article's terms (in its language, guessed when the page does not say), vector,
 *    sketch, embedding and postings.
 * 2. RelatedStore.putEntry: its entry and postings, before anything is read, so that of two articles indexed at
 *    the same moment the one that reads second finds the other.
 * 3. findCandidates: the articles that share its best terms (their postings), then what the best four of those are
 *    related to (the second hop), which shares the lesser terms it did not look up.
 * 4. assignStory (functions/dedupe/assign-story.ts), pure, over the candidates.
 * 5. indexArticle: rank the candidates, write each pair on the related article's side (unless it falls below
 *    that article's floor), then the article's own list (its links of at least RELATIVE_FLOOR of its best), last and
 *    once: the list says the indexing is done; then the floor of that list.
 */
import { analyzeArticle, type ArticleText } from '../related/analyze-article';
import { sketchText } from '../dedupe/text-sketch';
import type { WeightedTerm } from '../contracts/model';
import type { IndexEntry, Posting, RelatedStore } from '../ports';
import { listFloor, rankRelated, RELATED_LIMIT, similarities, strongLinks, type RelatedLink } from '../related/rank-related';
import { termVector } from '../related/term-weight';
import { embedText } from '../related/text-embedding';
import { guessLanguage } from '../related/guess-language';
import { mapLimited, REQUEST_CONCURRENCY } from '../shared/concurrency';

/** An article's best terms, each posted: its topics (with up to MAX_TITLE_POSTINGS of its title posted besides). */
export const POSTED_TERMS = 8;
/**
 * Terms of the title an article is posted under besides its best ones, at most: a reader searches for the words of
 * a headline (`ferry` in "Lake Seeborn ferry sails again"), which the best terms of a text full of names can leave
 * out. 1.6 to 3.7 more an article on the related dev sets.
 */
export const MAX_TITLE_POSTINGS = 6;

/** How far findCandidates looks. */
export interface CandidateSearch {
  /** The article's best terms whose postings are read: one Query each. */
  readonly terms: number;
  /** Newest postings read per term. */
  readonly postingsPerTerm: number;
  /** Candidates found under the terms whose entries are read: one BatchGetItem. */
  readonly firstHop: number;
  /** The best first-hop candidates whose related lists are read for more candidates: one Query each. */
  readonly secondHopSources: number;
  /** Candidates the second hop may add: one more BatchGetItem. */
  readonly secondHop: number;
}

export const CANDIDATE_SEARCH: CandidateSearch = { terms: 24, postingsPerTerm: 40, firstHop: 30, secondHopSources: 4, secondHop: 60 };

/** The text analyzeArticle reads, and where the article goes in the index. */
export interface ArticleToIndex extends ArticleText {
  readonly id: string;
  readonly publishedAt: string;
}

export interface PreparedArticle {
  /** The entry as indexing begins: the article is its own story until its candidates say otherwise. */
  readonly entry: IndexEntry;
  /** The article's best terms with their labels: its topics, each posted (the postings add title terms). */
  readonly terms: readonly WeightedTerm[];
  /** Each vector term as the text wrote it, for `reasons`. */
  readonly labels: ReadonlyMap<string, string>;
  /** Under its best terms, then under up to MAX_TITLE_POSTINGS more of its title's, each term once. */
  readonly postings: readonly Posting[];
}

export function prepareIndexing(text: ArticleToIndex, postedTerms = POSTED_TERMS): PreparedArticle {
  // A page that does not say its language is read as the one its function words say (English unless clearly not).
  const language = text.language || guessLanguage(`${text.title}\n${text.body}`);
  const analyzed = analyzeArticle({ title: text.title, body: text.body, summary: text.summary, language, siteName: text.siteName });
  const byTerm = new Map(analyzed.map((term) => [term.term, term]));
  const vector = termVector(analyzed);
  const labels = new Map(vector.map(({ term }) => [term, byTerm.get(term)?.label ?? term]));
  const terms = vector.slice(0, postedTerms).map(({ term, weight }) => ({
    term,
    weight,
    kind: byTerm.get(term)?.kind ?? 'keyword',
    label: labels.get(term),
  }));
  // The title's terms as the text's vector weighs them (the title alone would judge names without the body).
  const titleTerms = new Set(analyzeArticle({ title: text.title, body: '', language, siteName: text.siteName }).map(({ term }) => term));
  const posted = new Set(terms.map(({ term }) => term));
  const fromTitle = vector.filter(({ term }) => titleTerms.has(term) && !posted.has(term)).slice(0, MAX_TITLE_POSTINGS);
  return {
    entry: {
      id: text.id,
      storyId: text.id,
      publishedAt: text.publishedAt,
      vector,
      // The title counts twice, as it leads the text (the terms count it three times).
      embedding: embedText(`${text.title}\n${text.title}\n${text.body}`, language),
      sketch: sketchText(text.body),
      floor: 0,
    },
    terms,
    labels,
    postings: [...terms, ...fromTitle].map(({ term, weight }) => ({ term, id: text.id, publishedAt: text.publishedAt, weight })),
  };
}

/** The indexed articles worth ranking against this one: never itself. */
export async function findCandidates(store: RelatedStore, entry: IndexEntry, search: CandidateSearch = CANDIDATE_SEARCH): Promise<IndexEntry[]> {
  const terms = entry.vector.slice(0, search.terms);
  const pages = await mapLimited(terms, REQUEST_CONCURRENCY, (term) => store.readPostings(term.term, { limit: search.postingsPerTerm }));
  // First hop: ranked on the terms read, by the dot product over them.
  const found = new Map<string, number>();
  terms.forEach((term, i) => {
    for (const posting of pages[i]!.items) {
      if (posting.id === entry.id) continue;
      found.set(posting.id, (found.get(posting.id) ?? 0) + term.weight * posting.weight);
    }
  });
  const firstIds = [...found.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, search.firstHop)
    .map(([id]) => id);
  const first = await store.readEntries(firstIds);

  // Second hop: what the best candidates are related to shares the lesser terms that were not looked up.
  const cosines = similarities(entry.vector, first.map((candidate) => candidate.vector));
  const sources = first
    .map((candidate, i) => ({ candidate, value: cosines[i]! }))
    .sort((a, b) => b.value - a.value || (a.candidate.id < b.candidate.id ? -1 : 1))
    .slice(0, search.secondHopSources)
    .map(({ candidate }) => candidate.id);
  const lists = await Promise.all(sources.map((id) => store.readRelated(id, RELATED_LIMIT)));
  const seen = new Set<string>([entry.id, ...first.map((candidate) => candidate.id)]);
  const more: string[] = [];
  for (const list of lists) {
    if (!list) continue;
    for (const link of [...list.own, ...list.later]) {
      if (more.length === search.secondHop) break;
      if (seen.has(link.id)) continue;
      seen.add(link.id);
      more.push(link.id);
    }
  }
  return [...first, ...(await store.readEntries(more))];
}

export interface IndexResult {
  /** False when another delivery of the article finished its indexing first: it is then not counted again. */
  readonly created: boolean;
  readonly related: readonly RelatedLink[];
}

/**
 * Ranks the candidates and writes the article's side of every pair and the other side, then its own list. The own
 * list goes last and conditionally: it marks the indexing as done, and only the delivery that writes it counts
 * the article and records the list's floor. Everything before it is idempotent, so a delivery that dies half-way
 * is completed by the next.
 */
export async function indexArticle(
  store: RelatedStore,
  article: { readonly entry: IndexEntry; readonly labels: ReadonlyMap<string, string> },
  candidates: readonly IndexEntry[],
): Promise<IndexResult> {
  const { entry } = article;
  const related = rankRelated({ ...entry, labels: article.labels }, candidates);
  if (entry.storyId !== entry.id) await store.updateEntry(entry.id, { storyId: entry.storyId });
  // The pair seen from the related article: same score and reasons, unless it is under that article's floor. A link
  // under RELATIVE_FLOOR of this article's best is not in its own list, but may be in the other's: the other article's
  // best is its own, and weak when it has no close neighbour.
  const floors = new Map(candidates.map((candidate) => [candidate.id, candidate.floor]));
  await store.putLaterLinks(
    related
      .filter((link) => link.score >= (floors.get(link.id) ?? 0))
      .map((link) => ({ ownerId: link.id, link: { id: entry.id, storyId: entry.storyId, score: link.score, reasons: link.reasons } })),
  );
  const own = strongLinks(related);
  const created = await store.putOwnList(entry.id, entry.storyId, own);
  // The floor belongs to the list that was stored, so it is recorded by the delivery that stored it, after it. One
  // that dies in between leaves no floor: later articles then write links the list had no room for (cost, not loss).
  const floor = listFloor(related);
  if (created && floor > 0) await store.updateEntry(entry.id, { floor });
  return { created, related: own };
}
