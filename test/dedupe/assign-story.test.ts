import { describe, expect, it } from '@jest/globals';
import { assignStory, unifyCopies, type StoryCandidate } from '../../functions/dedupe/assign-story';
import { sketchText, type TextSketch } from '../../functions/dedupe/text-sketch';

const text = (prefix: string, count = 120) => Array.from({ length: count }, (_, i) => `${prefix}${i}`).join(' ');
const sketch = (value: string): TextSketch => sketchText(value)!;
const candidate = (id: string, body: string | null, options: Partial<StoryCandidate> = {}): StoryCandidate => ({
  id,
  storyId: id,
  publishedAt: '2026-11-20T10:00:00.000Z',
  sketch: body === null ? null : sketch(body),
  ...options,
});

describe('assignStory', () => {
  const wire = text('wire');
  const article = { id: 'new', sketch: sketch(`Standfirst of our own. ${wire} Support us.`) };

  it('joins the story of a candidate whose text it copies', () => {
    expect(assignStory(article, [candidate('other', text('other')), candidate('first', wire, { storyId: 'story-1' })])).toBe('story-1');
  });

  it('keeps its own id without a copy, without a sketch, or among candidates without sketches', () => {
    expect(assignStory(article, [candidate('other', text('other'))])).toBe('new');
    expect(assignStory(article, [])).toBe('new');
    expect(assignStory({ id: 'short', sketch: null }, [candidate('first', wire)])).toBe('short');
    expect(assignStory(article, [candidate('first', null)])).toBe('new');
  });

  it('joins a candidate that resembles it by exactly COPY_RESEMBLANCE, and none that resembles it less', () => {
    const of = (...hashes: number[]): TextSketch => ({ shingles: hashes.length, hashes });
    const own = { id: 'new', sketch: of(1, 2, 3, 4) };
    // 3 of the union's 4 hashes shared: 0.75; 3 of 5: 0.6.
    expect(assignStory(own, [candidate('threshold', null, { storyId: 'story-t', sketch: of(1, 2, 3) })])).toBe('story-t');
    expect(assignStory(own, [candidate('below', null, { storyId: 'story-b', sketch: of(1, 2, 3, 5) })])).toBe('new');
  });

  it('is never its own copy', () => {
    expect(assignStory(article, [candidate('new', wire, { storyId: 'elsewhere' })])).toBe('new');
  });

  it('joins the closest copy, and among equally close ones the oldest, whatever the order they come in', () => {
    const closer = candidate('closer', `Standfirst of our own. ${wire}`, { storyId: 'story-close' });
    const farther = candidate('farther', `${wire} ${text('tail', 12)}`, { storyId: 'story-far' });
    expect(assignStory(article, [farther, closer])).toBe('story-close');
    expect(assignStory(article, [closer, farther])).toBe('story-close');
    const older = candidate('older', wire, { storyId: 'story-old', publishedAt: '2026-11-19T10:00:00.000Z' });
    const newer = candidate('newer', wire, { storyId: 'story-new', publishedAt: '2026-11-21T10:00:00.000Z' });
    expect(assignStory(article, [newer, older])).toBe('story-old');
    expect(assignStory(article, [older, newer])).toBe('story-old');
    // The closest even when a farther copy is older, or of an earlier story id.
    const olderFarther = candidate('older-farther', `${wire} ${text('tail', 12)}`, { storyId: 'story-0', publishedAt: '2026-11-01T10:00:00.000Z' });
    expect(assignStory(article, [closer, olderFarther])).toBe('story-close');
    expect(assignStory(article, [olderFarther, closer])).toBe('story-close');
    const tiedA = candidate('a', wire, { storyId: 'story-a' });
    const tiedB = candidate('b', wire, { storyId: 'story-b' });
    expect(assignStory(article, [tiedB, tiedA])).toBe('story-a');
    expect(assignStory(article, [tiedA, tiedB])).toBe('story-a');
  });
});

describe('unifyCopies', () => {
  const wire = text('wire');
  const older = '2026-11-19T10:00:00.000Z';
  const newer = '2026-11-21T10:00:00.000Z';

  it("puts copies indexed at the same moment, each still under its own id, under the oldest one's id", () => {
    const first = candidate('first', `Our standfirst. ${wire}`, { publishedAt: older });
    const second = candidate('second', `${wire} Support us.`, { publishedAt: newer });
    const other = candidate('other', text('other'));
    for (const order of [
      [first, second, other],
      [other, second, first],
    ]) {
      const unified = unifyCopies(order);
      expect(unified.map((c) => [c.id, c.storyId])).toEqual(order.map((c) => [c.id, c.id === 'other' ? 'other' : 'first']));
      // What is not a copy of another candidate is passed through as it is.
      expect(unified[order.indexOf(other)]).toBe(other);
    }
  });

  it('prefers the story a member was assigned, the oldest such member first, over a default own id', () => {
    const root = candidate('root', wire, { publishedAt: '2026-11-18T10:00:00.000Z' });
    const joined = candidate('joined', wire, { storyId: 'story-of-copies', publishedAt: older });
    const crossed = candidate('crossed', wire, { storyId: 'late-copy', publishedAt: newer });
    const unified = unifyCopies([crossed, root, joined]);
    expect(unified.map((c) => c.storyId)).toEqual(['story-of-copies', 'story-of-copies', 'story-of-copies']);
  });

  it('groups chains of copies: a copy of a copy is one story even when it resembles the first less', () => {
    const of = (...hashes: number[]): TextSketch => ({ shingles: hashes.length, hashes });
    const range = (from: number) => of(...Array.from({ length: 8 }, (_, i) => from + i));
    // 7 of 9 shared between neighbours (0.78), 6 of 10 between the ends (0.6).
    const [a, b, c] = [range(1), range(2), range(3)].map((sketch, i) =>
      candidate(`c${i}`, null, { sketch, publishedAt: `2026-11-2${i}T10:00:00.000Z` }),
    );
    expect(unifyCopies([c!, a!, b!]).map((x) => x.storyId)).toEqual(['c0', 'c0', 'c0']);
  });

  it('groups copies from COPY_RESEMBLANCE on, the threshold included, in resemblance and in length', () => {
    // 6 of the union's 8 hashes shared (0.75), and 6 shingles against 8 (the shortest length a copy can have).
    const a = candidate('a', null, { sketch: { shingles: 6, hashes: [1, 2, 3, 4, 5, 6] }, publishedAt: older });
    const b = candidate('b', null, { sketch: { shingles: 8, hashes: [1, 2, 3, 4, 5, 6, 7, 8] }, publishedAt: newer });
    expect(unifyCopies([b, a]).map((x) => x.storyId)).toEqual(['a', 'a']);
  });

  it('leaves texts of lengths no copy can have apart, even when their sketches look alike', () => {
    // The sketches hold the same smallest hashes, but 6 shingles cannot be three quarters of the union with 100.
    const short = candidate('short', null, { sketch: { shingles: 6, hashes: [1, 2, 3, 4, 5, 6] }, publishedAt: older });
    const long = candidate('long', null, { sketch: { shingles: 100, hashes: [1, 2, 3, 4, 5, 6] }, publishedAt: newer });
    for (const order of [
      [short, long],
      [long, short],
    ]) {
      expect(unifyCopies(order)).toEqual(order);
    }
  });

  it("puts copies indexed side by side under the oldest one's id, whatever their ids and order", () => {
    const older = candidate('z-older', wire, { publishedAt: '2026-11-19T10:00:00.000Z' });
    const newer = candidate('a-newer', wire, { publishedAt: '2026-11-21T10:00:00.000Z' });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      expect(unifyCopies(order).map((x) => x.storyId)).toEqual(['z-older', 'z-older']);
    }
  });

  it('puts copies of one moment under the id that sorts first, whatever order they come in', () => {
    const [a, b, c] = ['copy-a', 'copy-b', 'copy-c'].map((id) => candidate(id, wire));
    for (const order of [
      [c!, b!, a!],
      [b!, a!, c!],
    ]) {
      expect(unifyCopies(order).map((x) => x.storyId)).toEqual(['copy-a', 'copy-a', 'copy-a']);
    }
  });

  it('leaves candidates without sketches, and texts of very different lengths, apart', () => {
    const full = candidate('full', wire);
    const none = candidate('none', null);
    const excerpt = candidate('excerpt', text('wire', 60), { publishedAt: older });
    expect(unifyCopies([full, none, excerpt])).toEqual([full, none, excerpt]);
  });
});
