import { describe, expect, it } from '@jest/globals';
import { assignStory, type StoryCandidate } from '../../functions/dedupe/assign-story';
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
