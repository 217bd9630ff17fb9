import type { Article } from '../../functions/contracts/model';

/** An Article with sensible defaults, for tests. */
export function makeArticle(overrides: Partial<Article> & { id: string }): Article {
  return {
    url: `https://news.example.com/${overrides.id}`,
    title: `Title of ${overrides.id}`,
    source: { id: 'example', name: 'Example News' },
    publishedAt: '2026-11-20T10:00:00.000Z',
    summary: 'A summary.',
    body: 'First paragraph.\n\nSecond paragraph.',
    byline: 'A. Reporter',
    imageUrl: null,
    language: 'en',
    fetchedAt: '2026-11-20T10:05:00.000Z',
    modifiedAt: null,
    storyId: overrides.id,
    terms: [],
    ...overrides,
  };
}
