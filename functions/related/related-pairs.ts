/**
 * The keys of an article's related items (its entry, its own list, the pairs written by later articles) and the
 * read-side collapsing of related entries (docs/related.md). Pure.
 *
 * A pair item's sort key is `REL#<inverted score>#<otherId>`: ascending key order is best score first, ties by id,
 * the order of `compareEntries`, so that a Query with a Limit returns an article's best related articles.
 */
import type { RelatedEntry } from './rank-related';

/** Every related item of an article begins with this; the bare prefix is the article's entry ("the index knows it"), sorted first. */
export const RELATED_PREFIX = 'REL#';
/**
 * The list the article's own indexing computed (its related articles indexed before it), one item: it sorts after
 * the entry and before every pair (`!` before the digits of a score).
 */
export const OWN_LIST_SORT_KEY = `${RELATED_PREFIX}!`;
/**
 * The rest of a long own list, beyond its head. Outside `REL#`, so that the Query of an article's related items
 * never reads it: it is read by key, and only when more is asked for than the head and the pairs can answer.
 */
export const OWN_TAIL_SORT_KEY = 'RELTAIL';
/** Scores are kept to six decimals (rank-related rounds them so); at most 9999.999999 fits the ten digits. */
const SCORE_SCALE = 1e6;
const SCORE_DIGITS = 10;
const MAX_INVERTED = 10 ** SCORE_DIGITS - 1;

export function pairSortKey(score: number, otherId: string): string {
  const scaled = Math.round(Math.min(Math.max(Number.isFinite(score) ? score : 0, 0), MAX_INVERTED / SCORE_SCALE) * SCORE_SCALE);
  return `${RELATED_PREFIX}${String(MAX_INVERTED - scaled).padStart(SCORE_DIGITS, '0')}#${otherId}`;
}

/** A pair's sort key -> its score and the other article's id; null for any other key (the entry, the own list). */
export function parsePairSortKey(sortKey: string): { score: number; id: string } | null {
  const match = /^REL#(\d{10})#(.+)$/s.exec(sortKey);
  if (!match) return null;
  return { score: (MAX_INVERTED - Number(match[1])) / SCORE_SCALE, id: match[2]! };
}

/**
 * Entries in sort-key order (best first) -> what the API shows: never the article itself nor a copy of its own
 * story, one entry per article (a redelivery scored with other statistics leaves a second item for a pair) and one
 * per story (the best scored copy), at most `limit`.
 */
export function collapseRelated(
  owner: { readonly id: string; readonly storyId: string },
  entries: readonly RelatedEntry[],
  limit: number,
): RelatedEntry[] {
  const ids = new Set<string>([owner.id]);
  const stories = new Set<string>([owner.storyId]);
  const kept: RelatedEntry[] = [];
  for (const entry of entries) {
    if (kept.length === limit) break;
    if (ids.has(entry.id) || stories.has(entry.storyId)) continue;
    ids.add(entry.id);
    stories.add(entry.storyId);
    kept.push(entry);
  }
  return kept;
}
