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
    const tiedA = candidate('a', wire, { storyId: 'story-a' });
    const tiedB = candidate('b', wire, { storyId: 'story-b' });
    expect(assignStory(article, [tiedB, tiedA])).toBe('story-a');
    expect(assignStory(article, [tiedA, tiedB])).toBe('story-a');
  });
});
