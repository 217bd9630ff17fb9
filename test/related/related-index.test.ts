/**
 * The related index's behaviour, through its use cases (storeArticle, indexArticle, findCandidates and the read
 * queries), over both adapters of its port: the in-memory one the replay uses and the DynamoDB one the functions
 * use (on dynalite). The same expectations hold for both, so the replay measures what is deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Article } from '../../functions/contracts/model';
import { InvalidCursorError, type ArticleStore, type IndexEntry, type RelatedStore } from '../../functions/ports';
import { analyzeArticle, topicTerm } from '../../functions/related/analyze-article';
import { sketchText } from '../../functions/dedupe/text-sketch';
import { RELATED_LIMIT, RELATIVE_FLOOR } from '../../functions/related/rank-related';
import { embedText } from '../../functions/related/text-embedding';
import { silentTelemetry } from '../../functions/shared/telemetry';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { MemoryArticleStore } from '../../functions/store/memory-article-store';
import { MemoryRelatedStore } from '../../functions/store/memory-related-store';
import { findCandidates, indexArticle, MAX_TITLE_POSTINGS, POSTED_TERMS, prepareIndexing, type CandidateSearch } from '../../functions/use-cases/index-article';
import { collapseRelated, createRelatedQueries, searchTerms, type RelatedQueries } from '../../functions/use-cases/related-queries';
import { storeArticle, type ArticleDraft } from '../../functions/use-cases/store-article';
import { ensureTable } from '../../local/servers';
import { makeArticle } from '../support/articles';
import { UNSPACED_REPORTS } from '../support/unspaced-texts';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

const TEXTS = {
  flood1: [
    'River Danube floods Vienna suburbs',
    'The Danube burst its banks near Vienna on Monday. Floodwater reached suburbs and rescuers evacuated residents by boat. Austria declared an emergency as the Danube kept rising.',
  ],
  flood2: [
    'Vienna evacuates homes as Danube rises',
    'Rescuers in Vienna evacuated hundreds of homes as the Danube flood crest approached. Austria sent soldiers to build barriers along the Danube; residents left by boat.',
  ],
  flood3: [
    'Austria counts cost of Danube flood',
    'Insurers in Austria estimated the damage after the Danube flood around Vienna. Residents returned to homes filled with mud; the Danube fell slowly.',
  ],
  // Names fill its best terms: `ferry` and `sails` are only in the headline.
  ferry: [
    'Lake Seeborn ferry sails again after 41 years',
    'Captain Héloïse Marchetti steered the Ostrau-am-See boat across Lake Seeborn to Kelling on Saturday. Héloïse Marchetti said Ostrau-am-See and Kelling expect visitors, and Captain Marchetti thanked the Kelling council. The Ostrau-am-See pier was repaired by the Kelling council.',
  ],
  confidence: [
    'German business confidence slides',
    'German business confidence fell in February, the Ifo index showed, as exporters worried about the strong euro. The Ifo index of business confidence dropped to 95.5 from 97.5. "The economy is losing momentum," said Bernd Weidensteiner, an economist at DZ Bank. Business confidence in German industry fell most, and exporters expect fewer orders.',
  ],
  chess: [
    'Magnus Carlsen wins rapid chess title',
    'Magnus Carlsen won the world rapid chess championship in Samarkand, beating Ian Nepomniachtchi in the final round of the chess event.',
  ],
} as const;

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

function draft(id: string, text: keyof typeof TEXTS, minute: number): ArticleDraft {
  const [title, body] = TEXTS[text];
  const { storyId: _story, terms: _terms, ...rest } = makeArticle({ id, title, body, publishedAt: at(minute) });
  return rest;
}

/** An index entry with the given terms, best first, as if analysed from a text that has them. */
function entryWith(id: string, terms: readonly string[], minute: number): IndexEntry {
  const raw = terms.map((term, i) => 10 - i * 0.25);
  const norm = Math.sqrt(raw.reduce((sum, w) => sum + w * w, 0));
  return { id, storyId: id, publishedAt: at(minute), vector: terms.map((term, i) => ({ term, weight: raw[i]! / norm })), sketch: null, floor: 0 };
}

const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

interface Harness {
  readonly related: RelatedStore;
  readonly articles: ArticleStore;
  readonly queries: RelatedQueries;
  readonly count: (sourceId: string) => Promise<number>;
  store(draft: ArticleDraft): Promise<{ stored: boolean; article: Article }>;
  /** Indexes a hand-made entry the way storeArticle would, its article stored first for the summaries. */
  index(entry: IndexEntry, search?: CandidateSearch): Promise<void>;
  ids(id: string, limit?: number): Promise<string[]>;
}

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
}, 60_000);
afterAll(async () => dynamo?.stop());

async function harness(kind: 'memory' | 'dynamo'): Promise<Harness> {
  let related: RelatedStore;
  let articles: ArticleStore;
  let sources: { incrementArticleCount(sourceId: string, by?: number): Promise<void> };
  let count: (sourceId: string) => Promise<number>;
  if (kind === 'memory') {
    const memoryArticles = new MemoryArticleStore();
    related = new MemoryRelatedStore();
    articles = memoryArticles;
    sources = memoryArticles;
    count = async (sourceId) => memoryArticles.sourceCounts.get(sourceId) ?? 0;
  } else {
    const tableName = `related-index-${(tables += 1)}`;
    await ensureTable(dynamo.raw, tableName);
    const props = { client: dynamo.client, tableName };
    related = new DynamoRelatedStore(props);
    articles = new DynamoArticleStore(props);
    const dynamoSources = new DynamoSourceStore(props);
    await dynamoSources.registerSource({ id: 'example', name: 'Example News', url: 'https://news.example.com/rss', schedule: 'rate(10 minutes)' });
    sources = dynamoSources;
    count = async (sourceId) => (await dynamoSources.getSource(sourceId))?.articleCount ?? 0;
  }
  const queries = createRelatedQueries({ store: related, articles });
  return {
    related,
    articles,
    queries,
    count,
    store: (d) => storeArticle(d, { articles, related, sources, telemetry: silentTelemetry }),
    async index(entry, search) {
      await articles.putArticleIfAbsent(makeArticle({ id: entry.id, publishedAt: entry.publishedAt }));
      const posted = entry.vector.slice(0, POSTED_TERMS);
      await related.putEntry(entry, posted.map(({ term, weight }) => ({ term, weight, id: entry.id, publishedAt: entry.publishedAt })));
      const candidates = await findCandidates(related, entry, search);
      await indexArticle(related, { entry, labels: new Map() }, candidates);
    },
    async ids(id, limit = 10) {
      return ((await queries.findRelated(id, { limit })) ?? []).map((item) => item.id);
    },
  };
}

/** A later link under the article 'owner'. */
const ownerLink = (id: string, storyId: string, score: number) => ({ ownerId: 'owner', link: { id, storyId, score, reasons: ['Danube'] } });

describe.each(['memory', 'dynamo'] as const)('the related index over the %s store', (kind) => {
  it('relates articles about the same subject, best first, never the article itself, with reasons and summaries', async () => {
    const h = await harness(kind);
    for (const [i, [id, text]] of ([['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2'], ['f3', 'flood3']] as const).entries()) {
      await h.store(draft(id, text, i));
    }
    const related = (await h.queries.findRelated('f1', { limit: 10 }))!;
    expect(related.map((item) => item.id).sort()).toEqual(['f2', 'f3']);
    expect(related[0]!.reasons).toContain('Danube');
    expect(related[0]).toMatchObject({ title: expect.any(String), source: { id: 'example' }, url: expect.stringMatching(/^https:/) });
    expect(related[0]!.score).toBeGreaterThanOrEqual(related[1]!.score);
    expect(await h.ids('f2', 1)).toHaveLength(1);
    expect(await h.ids('c1')).toEqual([]);
    expect(await h.queries.findRelated('nobody', { limit: 10 })).toBeNull();
  });

  it('keeps each pair on both sides with the same score and reasons', async () => {
    const h = await harness(kind);
    await h.store(draft('f1', 'flood1', 0));
    await h.store(draft('f2', 'flood2', 1));
    const [fromF1] = (await h.queries.findRelated('f1', { limit: 10 }))!;
    const [fromF2] = (await h.queries.findRelated('f2', { limit: 10 }))!;
    expect(fromF1).toMatchObject({ id: 'f2', score: fromF2!.score, reasons: fromF2!.reasons });
    expect(fromF2!.id).toBe('f1');
    expect(fromF1!.score).toBeGreaterThan(0);
  });

  it('ends with the same lists whatever the order, and storing an article twice changes nothing nor counts it again', async () => {
    const forward = await harness(kind);
    const backward = await harness(kind);
    const drafts = [draft('f1', 'flood1', 0), draft('f2', 'flood2', 1), draft('f3', 'flood3', 2)];
    for (const d of drafts) await forward.store(d);
    for (const d of [...drafts].reverse()) await backward.store(d);
    for (const id of ['f1', 'f2', 'f3']) {
      expect(await forward.ids(id)).toHaveLength(2);
      expect(new Set(await backward.ids(id))).toEqual(new Set(await forward.ids(id)));
    }
    const before = await forward.queries.findRelated('f1', { limit: 10 });
    expect((await forward.store(drafts[0]!)).stored).toBe(false);
    expect(await forward.queries.findRelated('f1', { limit: 10 })).toEqual(before);
    expect(await forward.count('example')).toBe(3);
  });

  it('counts and lists an article once when two deliveries of it race', async () => {
    const h = await harness(kind);
    await h.store(draft('f1', 'flood1', 0));
    const outcomes = await Promise.all([h.store(draft('f2', 'flood2', 1)), h.store(draft('f2', 'flood2', 1))]);
    expect(outcomes.filter((outcome) => outcome.stored)).toHaveLength(1);
    expect(await h.count('example')).toBe(2);
    expect(await h.ids('f1')).toEqual(['f2']);
    expect(await h.ids('f2')).toEqual(['f1']);
  });

  it('relates two articles stored at the same moment to each other', async () => {
    const h = await harness(kind);
    await h.store(draft('f1', 'flood1', 0));
    await Promise.all([h.store(draft('f2', 'flood2', 1)), h.store(draft('f3', 'flood3', 2))]);
    expect(await h.ids('f2')).toContain('f3');
    expect(await h.ids('f3')).toContain('f2');
    expect((await h.ids('f1')).sort()).toEqual(['f2', 'f3']);
  });

  it('writes no link under an article whose full list it could not enter, and still lists that article itself', async () => {
    const h = await harness(kind);
    await h.index(entryWith('a', range('x', 10), 0));
    await h.index(entryWith('b', range('x', 10), 1));
    // a's list is full of links better than anything to come.
    await h.related.updateEntry('a', { floor: 0.99 });
    await h.index(entryWith('c', [...range('x', 6), ...range('v', 4)], 2));
    expect((await h.related.readRelated('a', RELATED_LIMIT))!.later.map((link) => link.id)).toEqual(['b']);
    expect((await h.related.readRelated('b', RELATED_LIMIT))!.later.map((link) => link.id)).toEqual(['c']);
    expect((await h.ids('c')).sort()).toEqual(['a', 'b']);
  });

  it('records the floor of a full own list', async () => {
    const h = await harness(kind);
    // More articles on one subject than a list holds, each with a word of its own.
    for (let i = 0; i <= RELATED_LIMIT + 2; i++) await h.index(entryWith(`n${i}`, ['alpha', 'beta', 'gamma', 'delta', `own${i}`], i), { terms: 5, postingsPerTerm: 100, firstHop: 100, secondHopSources: 0, secondHop: 0 });
    const last = `n${RELATED_LIMIT + 2}`;
    const stored = (await h.related.readRelated(last, RELATED_LIMIT))!;
    expect(stored.own).toHaveLength(RELATED_LIMIT);
    const [entry] = await h.related.readEntries([last]);
    expect(entry!.floor).toBe(stored.own.at(-1)!.score);
    expect(entry!.floor).toBeGreaterThan(0);
  });

  it('records a fifth of the best link as the floor, and writes no later link under it: it would never be shown', async () => {
    const h = await harness(kind);
    await h.index(entryWith('c', [...range('b', 6), 'c0'], 0));
    await h.index(entryWith('b', [...range('b', 6), 'w'], 1));
    const [best] = (await h.related.readRelated('b', RELATED_LIMIT))!.own;
    expect(best!.id).toBe('c');
    const [entry] = await h.related.readEntries(['b']);
    expect(entry!.floor).toBeCloseTo(RELATIVE_FLOOR * best!.score, 12);
    // d's only neighbour is b, weakly: the link is in d's box, and not written under b, whose box it could not enter.
    await h.index(entryWith('d', ['w', ...range('d', 6)], 2));
    const weak = (await h.related.readRelated('d', RELATED_LIMIT))!.own;
    expect(weak.map((link) => [link.id, link.score < entry!.floor])).toEqual([['b', true]]);
    expect((await h.related.readRelated('b', RELATED_LIMIT))!.later).toEqual([]);
    expect(await h.ids('d')).toEqual(['b']);
    expect(await h.ids('b')).toEqual(['c']);
  });

  it("keeps the time, story and floor an earlier delivery set when a second one begins, and takes its vector", async () => {
    const h = await harness(kind);
    const first = entryWith('late', ['alpha', 'beta', 'gamma'], 1);
    const posting = { term: 'alpha', weight: first.vector[0]!.weight, id: 'late', publishedAt: first.publishedAt };
    await h.related.putEntry(first, [posting]);
    await h.related.updateEntry('late', { storyId: 'story-of-copies', floor: 0.25 });
    // The redelivery begins as the first did, with the article as its own story and no floor, from an edited page.
    const edited = entryWith('late', ['alpha', 'beta', 'delta'], 2);
    // Its time (an undated page's fetch time) is the first's, and so are its postings' keys: the article is listed once.
    expect(await h.related.putEntry(edited, [{ ...posting, publishedAt: edited.publishedAt }])).toBe(first.publishedAt);
    const [entry] = await h.related.readEntries(['late']);
    expect(entry).toMatchObject({ id: 'late', storyId: 'story-of-copies', floor: 0.25, publishedAt: first.publishedAt });
    expect((await h.related.readPostings('alpha', { limit: 10 })).items.map(({ id, publishedAt }) => [id, publishedAt])).toEqual([['late', first.publishedAt]]);
    expect(entry!.vector.map((term) => term.term)).toEqual(['alpha', 'beta', 'delta']);
  });

  it("keeps an entry's sketch and embedding as written, and drops them when a later delivery's text has none", async () => {
    const h = await harness(kind);
    const text = 'The central bank raised its main interest rate by a quarter point on Thursday, the third rise this year, saying inflation remained far too high for comfort, and lenders are expected to follow.';
    const full = { ...entryWith('texts', ['alpha', 'beta'], 1), sketch: sketchText(text), embedding: embedText(text) };
    expect(full.sketch).not.toBeNull();
    expect(full.embedding).not.toBeNull();
    await h.related.putEntry(full, []);
    expect((await h.related.readEntries(['texts']))[0]).toMatchObject({ sketch: full.sketch, embedding: full.embedding });
    // A redelivery whose text has a sketch but no embedding (its page now tagged as another language), then neither.
    await h.related.putEntry({ ...full, embedding: null }, []);
    const [sketchOnly] = await h.related.readEntries(['texts']);
    expect(sketchOnly!.sketch).toEqual(full.sketch);
    expect(sketchOnly!.embedding ?? null).toBeNull();
    await h.related.putEntry({ ...full, sketch: null, embedding: null }, []);
    const [entry] = await h.related.readEntries(['texts']);
    expect(entry!.sketch).toBeNull();
    expect(entry!.embedding ?? null).toBeNull();
  });

  it('reads entries in the order asked, once each, leaving out the ones that do not exist', async () => {
    const h = await harness(kind);
    const ids = range('e', 60);
    for (const [i, id] of ids.entries()) await h.related.putEntry(entryWith(id, ['alpha', `own${i}`], i), []);
    // An order no store would keep by itself: every seventh id, wrapping round.
    const asked = ids.map((_, i) => ids[(i * 7) % ids.length]!);
    const read = await h.related.readEntries(['missing', ...asked, asked[0]!, 'gone']);
    expect(read.map((entry) => entry.id)).toEqual(asked);
  });

  it('records a floor only with the list it belongs to: not when the own list failed, nor for the delivery that lost it', async () => {
    const h = await harness(kind);
    const search: CandidateSearch = { terms: 5, postingsPerTerm: 100, firstHop: 100, secondHopSources: 0, secondHop: 0 };
    for (let i = 0; i <= RELATED_LIMIT; i++) await h.index(entryWith(`n${i}`, ['alpha', 'beta', 'gamma', 'delta', `own${i}`], i), search);
    const last = entryWith('last', ['alpha', 'beta', 'gamma', 'delta', 'ownlast'], 59);
    await h.articles.putArticleIfAbsent(makeArticle({ id: last.id, publishedAt: last.publishedAt }));
    await h.related.putEntry(last, []);
    const candidates = await findCandidates(h.related, last, search);
    const failing: RelatedStore = Object.assign(Object.create(h.related) as RelatedStore, {
      putOwnList: async () => {
        throw new Error('throttled');
      },
    });
    await expect(indexArticle(failing, { entry: last, labels: new Map() }, candidates)).rejects.toThrow('throttled');
    expect((await h.related.readEntries(['last']))[0]!.floor).toBe(0);

    const done = await indexArticle(h.related, { entry: last, labels: new Map() }, candidates);
    expect(done.created).toBe(true);
    const floor = (await h.related.readEntries(['last']))[0]!.floor;
    expect(floor).toBe(done.related.at(-1)!.score);
    // A racing delivery that read other candidates (its list full, its floor lower) and lost the own list leaves the
    // winner's floor.
    const others = candidates.filter((candidate) => candidate.id !== done.related[0]!.id);
    const lost = await indexArticle(h.related, { entry: last, labels: new Map() }, others);
    expect(lost.created).toBe(false);
    expect(lost.related).toHaveLength(RELATED_LIMIT);
    expect(lost.related.at(-1)!.score).toBeLessThan(floor);
    expect((await h.related.readEntries(['last']))[0]!.floor).toBe(floor);
  });

  it('finds an article that shares only terms it does not look up, through the related list of a common neighbour', async () => {
    const h = await harness(kind);
    const search: CandidateSearch = { terms: 5, postingsPerTerm: 40, firstHop: 30, secondHopSources: 4, secondHop: 60 };
    await h.index(entryWith('a', [...range('x', 10), ...range('y', 5)], 0), search);
    await h.index(entryWith('b', [...range('x', 5), ...range('z', 5)], 1), search);
    // c looks up z0-z4, which only b has; with a it shares y0-y4, which neither looks up.
    await h.index(entryWith('c', [...range('z', 5), ...range('w', 5), ...range('y', 5)], 2), search);
    expect(await h.ids('c')).toEqual(expect.arrayContaining(['a', 'b']));
    expect(await h.ids('a')).toContain('c');
  });

  it('shows each article and each story once, never the article itself nor a copy of its own story', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'other', 'last', 'mine'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    for (let i = 0; i < 8; i++) await h.index(entryWith(`copy-${i}`, [`copy-${i}`], 10 + i));
    await h.related.updateEntry('mine', { storyId: 'owner' });
    await h.related.putLaterLinks([
      ...Array.from({ length: 8 }, (_, i) => ownerLink(`copy-${i}`, 'wire', 0.9 - i / 1000)),
      ownerLink('other', 'other', 0.3),
      ownerLink('other', 'other', 0.2),
      ownerLink('owner', 'owner', 0.95),
      ownerLink('mine', 'owner', 0.94),
      ownerLink('last', 'last', 0.19),
    ]);
    const related = (await h.queries.findRelated('owner', { limit: 3 }))!;
    expect(related.map((item) => [item.id, item.score])).toEqual([
      ['copy-0', 0.9],
      ['other', 0.3],
      ['last', 0.19],
    ]);
  });

  it('shows no link under a fifth of the best it shows (RELATIVE_FLOOR), at every limit', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'near', 'fair', 'edge', 'weak', 'weaker'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    await h.related.putLaterLinks([
      ownerLink('near', 'near', 0.7),
      ownerLink('fair', 'fair', 0.3),
      ownerLink('edge', 'edge', 0.14),
      ownerLink('weak', 'weak', 0.139),
      ownerLink('weaker', 'weaker', 0.09),
    ]);
    expect(RELATIVE_FLOOR).toBe(0.2);
    for (const limit of [50, 3, 2]) {
      const related = (await h.queries.findRelated('owner', { limit }))!;
      expect(related.map((item) => item.id)).toEqual(['near', 'fair', 'edge'].slice(0, limit));
    }
  });

  it("lists an article's weak best link whatever the order: a link under a fifth of one side's best is the other's", async () => {
    // b is close to c and far from a, a's only neighbour: b's box shows c alone, a's shows b, in either order.
    const a = entryWith('a', ['w', ...range('a', 6)], 0);
    const c = entryWith('c', [...range('b', 6), 'c0'], 1);
    const b = entryWith('b', [...range('b', 6), 'w'], 2);
    for (const order of [[a, c, b], [b, c, a]]) {
      const h = await harness(kind);
      for (const entry of order) await h.index(entry);
      expect(await h.ids('b')).toEqual(['c']);
      expect(await h.ids('a')).toEqual(['b']);
    }
  });

  it('takes every name a copy is known by as one story: its id, a story one link names and another does not', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'h', 'm', 'p', 'q', 'x'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    await h.related.putLaterLinks([
      // h and m are copies: a list written before either had its story names each under its own id; h's own link,
      // written once it had joined m's story, names m.
      ownerLink('h', 'h', 0.9),
      ownerLink('m', 'm', 0.85),
      ownerLink('h', 'm', 0.5),
      // p and q are copies indexed at the same moment, each of which found the other first and joined its id.
      ownerLink('p', 'q', 0.8),
      ownerLink('q', 'p', 0.7),
      ownerLink('x', 'x', 0.3),
    ]);
    const related = (await h.queries.findRelated('owner', { limit: 4 }))!;
    expect(related.map((item) => item.id)).toEqual(['h', 'p', 'x']);
  });

  it('reads deeper when copies of one story fill the first read, so the list is not left short', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'other-1', 'other-2'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    // Thirty copies of one wire story, all better than the two other stories: more than the first read's slack.
    for (let i = 0; i < 30; i++) await h.index(entryWith(`copy-${String(i).padStart(2, '0')}`, [`copy-${i}`], 10 + i));
    await h.related.putLaterLinks([
      ...Array.from({ length: 30 }, (_, i) => ownerLink(`copy-${String(i).padStart(2, '0')}`, 'wire', 0.9 - i / 1000)),
      ownerLink('other-1', 'other-1', 0.3),
      ownerLink('other-2', 'other-2', 0.2),
    ]);
    const related = (await h.queries.findRelated('owner', { limit: 3 }))!;
    expect(related.map((item) => item.id)).toEqual(['copy-00', 'other-1', 'other-2']);
  });

  it("reads deeper when the owner's own copies fill the first read and leave nothing to show", async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'other'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    // Later links to copies of the owner itself (its story), more than the first read takes, all better than `other`.
    const copies = range('copy-', 15);
    for (const [i, id] of copies.entries()) await h.index(entryWith(id, [`only-${id}`], 10 + i));
    await h.related.putLaterLinks([...copies.map((id, i) => ownerLink(id, 'owner', 0.9 - i / 1000)), ownerLink('other', 'other', 0.3)]);
    expect(await h.ids('owner', 3)).toEqual(['other']);
  });

  it('reads deeper when the weakest link read scores exactly a fifth of the best, which is shown', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'near', 'other'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    // Twelve copies of one wire story at exactly RELATIVE_FLOOR x 0.5 fill the first read (3 + 10) with `near`;
    // `other`, of the same score, sorts after them by id.
    const copies = range('copy-', 12);
    for (const [i, id] of copies.entries()) await h.index(entryWith(id, [`only-${id}`], 10 + i));
    await h.related.putLaterLinks([ownerLink('near', 'near', 0.5), ...copies.map((id) => ownerLink(id, 'wire', 0.1)), ownerLink('other', 'other', 0.1)]);
    expect(RELATIVE_FLOOR * 0.5).toBe(0.1);
    expect(await h.ids('owner', 3)).toEqual(['near', 'copy-0', 'other']);
  });

  it('reads the links once unless the list is short, the first read was full, and its weakest link could still be shown', async () => {
    const h = await harness(kind);
    const reads: number[] = [];
    const store: RelatedStore = new Proxy(h.related, {
      get(target, property) {
        if (property === 'readRelated') {
          return (id: string, limit: number) => {
            reads.push(limit);
            return target.readRelated(id, limit);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const queries = createRelatedQueries({ store, articles: h.articles });
    const readsFor = async (owner: string, limit: number) => {
      reads.length = 0;
      await queries.findRelated(owner, { limit });
      return [...reads];
    };
    const ids = [...range('story-', 13), ...range('copy-', 13), 'weak'];
    for (const [i, id] of ['full', 'all-read', 'weak-last', 'deep', ...ids].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    const under = (ownerId: string, id: string, storyId: string, score: number) => ({ ownerId, link: { id, storyId, score, reasons: [] } });
    await h.related.putLaterLinks([
      // Thirteen stories, each within a fifth of the best: the list of three is full after the first read.
      ...range('story-', 13).map((id, i) => under('full', id, id, 0.9 - i / 100)),
      // Six links, fewer than the first read asks for: there is nothing more to read.
      under('all-read', 'story-0', 'story-0', 0.9),
      ...range('copy-', 5).map((id, i) => under('all-read', id, 'wire', 0.8 - i / 100)),
      // A full first read whose weakest link is under a fifth of the best (0.9), though the one after the best is not.
      under('weak-last', 'story-0', 'story-0', 0.9),
      ...range('copy-', 12).map((id, i) => under('weak-last', id, 'wire', i === 11 ? 0.17 : 0.5 - i / 100)),
      under('weak-last', 'weak', 'weak', 0.05),
      // The same, its weakest link read within a fifth: read deeper, once.
      under('deep', 'story-0', 'story-0', 0.9),
      ...range('copy-', 12).map((id, i) => under('deep', id, 'wire', 0.5 - i / 100)),
      under('deep', 'weak', 'weak', 0.2),
    ]);
    expect(await readsFor('full', 3)).toEqual([13]);
    expect(await readsFor('all-read', 3)).toEqual([13]);
    expect(await readsFor('weak-last', 3)).toEqual([13]);
    expect(await readsFor('deep', 3)).toEqual([13, 200]);
    expect((await queries.findRelated('deep', { limit: 3 }))!.map((item) => item.id)).toEqual(['story-0', 'copy-0', 'weak']);
  });

  it('leaves out a related article that is gone from the article store', async () => {
    const h = await harness(kind);
    for (const [i, id] of ['owner', 'kept'].entries()) await h.index(entryWith(id, [`only-${id}`], i));
    await h.related.putLaterLinks([ownerLink('gone', 'gone', 0.9), ownerLink('kept', 'kept', 0.8)]);
    expect(await h.ids('owner')).toEqual(['kept']);
  });

  it('lists a topic newest first, page by page, and refuses forged cursors', async () => {
    const h = await harness(kind);
    for (const [i, [id, text]] of ([['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2'], ['f3', 'flood3']] as const).entries()) {
      await h.store(draft(id, text, i));
    }
    const first = await h.queries.listTopic('Danube', { limit: 2 });
    expect(first.items.map((item) => item.id)).toEqual(['f3', 'f2']);
    const second = await h.queries.listTopic('danube', { limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'f1' })], nextCursor: null });
    expect((await h.queries.listTopic('magnus carlsen', { limit: 5 })).items.map((item) => item.id)).toEqual(['c1']);
    expect((await h.queries.listTopic('nothing here', { limit: 5 })).items).toEqual([]);
    for (const cursor of ['%%%', 'eyJzIjoxfQ', Buffer.from('{"s":"2026-01-01T00:00:00Z#x","i":"y"}').toString('base64url')]) {
      await expect(h.queries.listTopic('danube', { limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  it('lists a topic of texts in another language by the word as written, page by page', async () => {
    const h = await harness(kind);
    const french = (id: string, minute: number, title: string, body: string) => ({ ...draft(id, 'flood1', minute), title, body, language: 'fr' });
    await h.store(french('e1', 0, 'Élections municipales à Lyon', 'Les élections municipales de Lyon ont lieu dimanche. Les candidats aux élections débattent.'));
    await h.store(french('e2', 1, 'Les élections à Lyon', 'Les électeurs de Lyon votent pour les élections municipales, dimanche.'));
    // `élections` stemmed as English is `élect`, under which nothing is indexed: the word as written is looked up.
    const first = await h.queries.listTopic('Élections', { limit: 1 });
    expect(first.items.map((item) => item.id)).toEqual(['e2']);
    const second = await h.queries.listTopic('élections', { limit: 1, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'e1' })], nextCursor: null });
    // An English term first: the Danube floods are under `danub`, whatever a text in another language has.
    await h.store(draft('f1', 'flood1', 2));
    expect((await h.queries.listTopic('Danube', { limit: 5 })).items.map((item) => item.id)).toEqual(['f1']);
    await expect(h.queries.listTopic('élections', { limit: 1, cursor: 'w.bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('relates reports of one event in Chinese and in Japanese, in words as ICU segments them, and not other events', async () => {
    const h = await harness(kind);
    // Untagged but one (their language told by their script), in an order that mixes the languages; without the
    // drafts' English summary, a term all six would share.
    const order = ['ja1', 'zh1', 'ja3', 'zh3', 'ja2', 'zh2'] as const;
    for (const [i, id] of order.entries()) {
      await h.store({ ...draft(id, 'flood1', i), ...UNSPACED_REPORTS[id], summary: '', language: id === 'zh2' ? 'zh-CN' : null });
    }
    expect(await h.ids('ja1')).toEqual(['ja2']);
    expect(await h.ids('ja2')).toEqual(['ja1']);
    expect(await h.ids('zh1')).toEqual(['zh2']);
    expect(await h.ids('zh2')).toEqual(['zh1']);
    expect(await h.ids('ja3')).toEqual([]);
    expect(await h.ids('zh3')).toEqual([]);
    const reasons = (await h.queries.findRelated('zh2', { limit: 5 }))![0]!.reasons;
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(UNSPACED_REPORTS.zh1.title + UNSPACED_REPORTS.zh1.body).toContain(reason);
    // Search and topics read the words alike: `人民银行` is two words, each an indexed term; `は` is grammar.
    expect((await h.queries.search('人民银行', { limit: 5 })).items.map((item) => item.id).sort()).toEqual(['zh1', 'zh2']);
    expect((await h.queries.search('台風は', { limit: 5 })).items.map((item) => item.id)).toEqual(['ja3']);
    expect((await h.queries.listTopic('台風', { limit: 5 })).items.map((item) => item.id)).toEqual(['ja3']);
    expect((await h.queries.listTopic('存款', { limit: 5 })).items.map((item) => item.id)).toEqual(['zh1']);
  });

  it('searches keywords over the same postings, best first, paginated, and refuses forged cursors', async () => {
    const h = await harness(kind);
    for (const [i, [id, text]] of ([['f1', 'flood1'], ['c1', 'chess'], ['f2', 'flood2']] as const).entries()) {
      await h.store(draft(id, text, i));
    }
    expect((await h.queries.search('chess championship', { limit: 10 })).items.map((item) => item.id)).toEqual(['c1']);
    const floods = await h.queries.search('Danube floods', { limit: 1 });
    expect(floods.items).toHaveLength(1);
    const rest = await h.queries.search('Danube floods', { limit: 1, cursor: floods.nextCursor! });
    expect(new Set([...floods.items, ...rest.items].map((item) => item.id))).toEqual(new Set(['f1', 'f2']));
    await expect(h.queries.search('chess', { limit: 1, cursor: floods.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(h.queries.search('chess', { limit: 1, cursor: 'bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
    expect(await h.queries.search('!!!', { limit: 5 })).toEqual({ items: [], nextCursor: null });
  });

  it("finds an article by the words of its headline, which its best terms can leave out", async () => {
    const h = await harness(kind);
    await h.store(draft('f1', 'flood1', 0));
    const { article } = await h.store(draft('ferry', 'ferry', 1));
    expect(article.terms.map((term) => term.term)).not.toContain('ferri');
    for (const words of ['ferry', 'sails', 'Ferry sails']) {
      expect((await h.queries.search(words, { limit: 10 })).items.map((item) => item.id)).toEqual(['ferry']);
    }
  });

  it('finds an article by a name among its topics, whose words alone are not posted', async () => {
    const h = await harness(kind);
    await h.store(draft('f1', 'flood1', 0));
    const { article } = await h.store(draft('ifo', 'confidence', 1));
    const topics = article.terms.map((term) => term.term);
    expect(topics).toEqual(expect.arrayContaining(['bernd weidensteiner', 'dz bank']));
    expect(topics).not.toEqual(expect.arrayContaining(['bernd']));
    expect(topics).not.toEqual(expect.arrayContaining(['weidenstein']));
    for (const words of ['Bernd Weidensteiner', 'bernd  weidensteiner', 'DZ Bank', 'economist Bernd Weidensteiner']) {
      expect((await h.queries.search(words, { limit: 10 })).items.map((item) => item.id)).toEqual(['ifo']);
    }
  });
});

describe('searchTerms', () => {
  it('splits the words as articles are analysed, so a number, a hyphenated or an apostrophe word meets its term', () => {
    const article = analyzeArticle({
      title: 'Rate cut to 3.25%',
      body: "The Reserve Bank cut its rate to 3.25%, costing 1,800 jobs at O'Brien Freight, a well-known dock-side firm.",
    }).map((term) => term.term);
    for (const [words, term] of [['3.25', '3.25'], ['1,800', '1800'], ['1800', '1800'], ["O'Brien", "o'brien"], ['well-known', 'well-known']]) {
      expect(searchTerms(words!)).toContain(term);
      expect(article).toContain(term);
    }
    expect(searchTerms('rate cuts')).toEqual(['rate', 'cuts', 'cut', 'rate cuts']);
    // A single Chinese character is no term, one outside the BMP (two UTF-16 units) too: it takes no word's place.
    expect(searchTerms('𠀀 東京 大阪 京都 名古屋')).toEqual(['東京', '大阪', '京都', '名古屋']);
    // A hyphenated word by its parts too, for the articles that write it apart.
    expect(searchTerms('long-term')).toEqual(['long-term', 'long', 'term']);
    // Each run of two words or more as a name, as the analysis writes one (lowercased, one space, not stemmed).
    expect(searchTerms("Bank of  England's")).toEqual(['bank', 'of', 'england', 'bank of england']);
    expect(searchTerms('DZ Bank')).toContain(topicTerm('DZ Bank'));
    // Never more than fourteen Queries: eight for the words, six for their runs, the shortest first.
    const many = searchTerms('long-term dock-side cross-border free-trade');
    expect(many).toHaveLength(14);
    expect(many.slice(8)).toEqual([
      'long-term dock-side',
      'dock-side cross-border',
      'cross-border free-trade',
      'long-term dock-side cross-border',
      'dock-side cross-border free-trade',
      'long-term dock-side cross-border free-trade',
    ]);
    // Five words: the first four's terms, then the names of all five, two words first; the whole five do not fit.
    expect(searchTerms('economist Bernd Weidensteiner DZ Bank')).toEqual([
      'economist', 'bernd', 'weidensteiner', 'weidenstein', 'dz',
      'economist bernd', 'bernd weidensteiner', 'weidensteiner dz', 'dz bank',
      'economist bernd weidensteiner', 'bernd weidensteiner dz', 'weidensteiner dz bank',
      'economist bernd weidensteiner dz', 'bernd weidensteiner dz bank',
    ]);
    // One-letter words take no place among the four words, but are a name's (`Group B`); no run begins or ends with
    // an English stop word, as no name does (the analysis indexes `New York City` as `york city`).
    expect(searchTerms('I love New York City')).toEqual(['love', 'new', 'york', 'city', 'citi', 'york city', 'love new york', 'love new york city']);
    expect(analyzeArticle({ title: 'New York City', body: 'New York City.' }).map((term) => term.term)).toContain('york city');
    expect(searchTerms('the Bank of England')).toEqual(['the', 'bank', 'of', 'england', 'bank of england']);
    expect(searchTerms('Group B')).toEqual(['group', 'group b']);
    expect(searchTerms('a 3 !!')).toEqual([]);
    expect(searchTerms('!!')).toEqual([]);
  });

  it("looks up a hyphenated word's parts of two characters or more: a one-letter part takes no Query nor a later word's place", () => {
    expect(searchTerms('covid-19')).toEqual(['covid-19', 'covid', '19']);
    expect(searchTerms('e-mail')).toEqual(['e-mail', 'mail']);
    // `x` and `e` would fill the eight word terms before `scam` and `alert`.
    expect(searchTerms('x-ray e-mail scam alert')).toEqual(['x-ray', 'x-rai', 'ray', 'rai', 'e-mail', 'mail', 'scam', 'alert', 'x-ray e-mail', 'e-mail scam', 'scam alert', 'x-ray e-mail scam', 'e-mail scam alert', 'x-ray e-mail scam alert']);
  });

  it('takes names from the first five words only: a sixth word is in no run', () => {
    expect(searchTerms('Royal Bank of Scotland Group Edinburgh')).toEqual([
      'royal', 'bank', 'of', 'scotland',
      'royal bank', 'scotland group', 'bank of scotland', 'royal bank of scotland', 'bank of scotland group', 'royal bank of scotland group',
    ]);
  });
});

describe('collapseRelated', () => {
  const link = (id: string, storyId: string, score: number) => ({ id, storyId, score, reasons: [] });

  it("leaves out the owner's copies under any name they are known by, the owner's own id included", () => {
    // The owner h and its copy m, indexed at the same moment, each joined the other's id.
    const links = [link('m', 'h', 0.9), link('x', 'x', 0.5), link('y', 'm', 0.4), link('z', 'z', 0.3)];
    expect(collapseRelated({ id: 'h', storyId: 'm' }, links, 5).map((l) => l.id)).toEqual(['x', 'z']);
    expect(collapseRelated({ id: 'h', storyId: 'h' }, links, 5).map((l) => l.id)).toEqual(['x', 'z']);
  });

  it('keeps the best scored link of a story and stops at the limit', () => {
    const links = [link('a', 'a', 0.9), link('b', 'a', 0.8), link('c', 'c', 0.7), link('d', 'd', 0.6)];
    expect(collapseRelated({ id: 'o', storyId: 'o' }, links, 2).map((l) => l.id)).toEqual(['a', 'c']);
  });
});

describe('prepareIndexing', () => {
  const TITLE = 'Kelling ferry sails again as harbour pilots, dockers, farmers and bakers cheer the lake crossing';
  const text = (title: string) => ({
    id: 'a',
    publishedAt: at(0),
    title,
    // Names fill the best terms.
    body: 'Héloïse Marchetti met Ostrau-am-See officials in Kelling. Marchetti and Kelling officials toured Ostrau-am-See. '.repeat(4),
    language: 'en',
  });

  it('posts the best terms, then up to MAX_TITLE_POSTINGS more of the title, each term once', () => {
    const prepared = prepareIndexing(text(TITLE));
    const posted = prepared.postings.map((posting) => posting.term);
    expect(new Set(posted).size).toBe(posted.length);
    expect(posted.slice(0, POSTED_TERMS)).toEqual(prepared.terms.map((term) => term.term));
    // `Kelling` is among the best terms already; the title has more than six others.
    expect(posted.slice(0, POSTED_TERMS)).toContain('kell');
    expect(posted).toHaveLength(POSTED_TERMS + MAX_TITLE_POSTINGS);
    const titleTerms = new Set(analyzeArticle({ title: TITLE, body: '' }).map((term) => term.term));
    expect(posted.slice(POSTED_TERMS).every((term) => titleTerms.has(term))).toBe(true);
    // Each posting carries the term's weight in the article's vector.
    const weights = new Map(prepared.entry.vector.map((term) => [term.term, term.weight]));
    for (const posting of prepared.postings) expect(posting.weight).toBe(weights.get(posting.term));
  });

  it('posts nothing more when the title has no term the best ones lack', () => {
    expect(prepareIndexing(text('Marchetti in Kelling')).postings).toHaveLength(POSTED_TERMS);
  });
});
