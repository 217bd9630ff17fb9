/**
 * The related index's storage in memory: the same port as DynamoRelatedStore, over maps. It runs the real indexing
 * and query use cases in the replay script (scripts/replay-related.ts), where a corpus indexes in seconds, and in
 * the unit tests. Not used by the Lambda functions or the local stack.
 */
import type { IndexEntry, Page, Posting, RelatedStore, StoredRelated, TopicQuery } from '../ports';
import { compareLinks, type RelatedLink } from '../related/rank-related';
import { cursorAfter, decodeCursor } from '../contracts/cursor';
import { timeSortKey } from '../contracts/table-schema';

export class MemoryRelatedStore implements RelatedStore {
  readonly entries = new Map<string, IndexEntry>();
  /** term -> sort key (`<publishedAt>#<id>`) -> posting. */
  readonly postings = new Map<string, Map<string, Posting>>();
  readonly ownLists = new Map<string, { storyId: string; links: readonly RelatedLink[] }>();
  /** owner -> `<score>#<id>` -> link: like the table, a link written twice with two scores is two items. */
  readonly laterLinks = new Map<string, Map<string, RelatedLink>>();
  /** Calls per method, for tests and the replay's cost figures. */
  readonly calls = new Map<string, number>();
  /** Items written by putEntry (the entry and its postings), putOwnList and putLaterLinks. */
  itemsWritten = 0;

  async putEntry(entry: IndexEntry, postings: readonly Posting[]): Promise<string> {
    this.count('putEntry');
    // As on the table: this delivery's vector, sketch and embedding; the time, story and floor already there are kept.
    const existing = this.entries.get(entry.id);
    const publishedAt = existing?.publishedAt ?? entry.publishedAt;
    this.entries.set(entry.id, existing ? { ...entry, publishedAt, storyId: existing.storyId, floor: existing.floor } : entry);
    for (const posting of postings) {
      let byKey = this.postings.get(posting.term);
      if (!byKey) this.postings.set(posting.term, (byKey = new Map()));
      byKey.set(timeSortKey(publishedAt, posting.id), { ...posting, publishedAt });
    }
    this.itemsWritten += 1 + postings.length;
    return publishedAt;
  }

  async updateEntry(id: string, change: { readonly storyId?: string; readonly floor?: number }): Promise<void> {
    this.count('updateEntry');
    const entry = this.entries.get(id);
    if (entry) this.entries.set(id, { ...entry, ...change });
  }

  async readEntries(ids: readonly string[]): Promise<IndexEntry[]> {
    this.count('readEntries');
    return [...new Set(ids)].flatMap((id) => {
      const entry = this.entries.get(id);
      return entry ? [entry] : [];
    });
  }

  async readPostings(term: string, query: TopicQuery): Promise<Page<Posting>> {
    this.count('readPostings');
    const start = query.cursor ? decodeCursor(query.cursor).sortKey : null;
    const keys = [...(this.postings.get(term)?.keys() ?? [])].sort().reverse().filter((key) => start === null || key < start);
    const page = keys.slice(0, query.limit).map((key) => this.postings.get(term)!.get(key)!);
    const last = page.at(-1);
    return {
      items: page,
      nextCursor: keys.length > query.limit && last ? cursorAfter(last.publishedAt, last.id) : null,
    };
  }

  async isIndexed(id: string): Promise<boolean> {
    this.count('isIndexed');
    return this.ownLists.has(id);
  }

  async readRelated(id: string, limit: number): Promise<StoredRelated | null> {
    this.count('readRelated');
    const own = this.ownLists.get(id);
    if (!own) return null;
    const later = [...(this.laterLinks.get(id)?.values() ?? [])].sort(compareLinks).slice(0, limit);
    return { storyId: own.storyId, own: own.links, later };
  }

  async putOwnList(id: string, storyId: string, links: readonly RelatedLink[]): Promise<boolean> {
    this.count('putOwnList');
    if (this.ownLists.has(id)) return false;
    this.ownLists.set(id, { storyId, links });
    this.itemsWritten += 1;
    return true;
  }

  async putLaterLinks(links: readonly { readonly ownerId: string; readonly link: RelatedLink }[]): Promise<void> {
    this.count('putLaterLinks');
    for (const { ownerId, link } of links) {
      let byKey = this.laterLinks.get(ownerId);
      if (!byKey) this.laterLinks.set(ownerId, (byKey = new Map()));
      byKey.set(`${link.score}#${link.id}`, link);
    }
    this.itemsWritten += links.length;
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }
}
