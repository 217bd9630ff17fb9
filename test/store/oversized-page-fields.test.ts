/**
 * A page may make its title, lead image, canonical URL and text as long as it likes, within the 5 MiB a page may
 * have; its article is one DynamoDB item of at most 400 KB. Against the local DynamoDB server, which refuses larger
 * items as DynamoDB does: such a page is stored with those fields bounded, not refused by the table at every delivery
 * (a store failing, which SQS retries and dead-letters, and the redrive brings back).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_ARTICLE_BODY_CHARS, MAX_ARTICLE_TITLE_CHARS } from '../../functions/extract/extract-article';
import { articleIdFor } from '../../functions/fetch/canonical-url';
import type { PageFetcher } from '../../functions/ports';
import { DynamoRelatedStore } from '../../functions/store/dynamo-related-store';
import { DynamoArticleStore, DynamoSeenUrlStore, DynamoSourceStore } from '../../functions/store/dynamo-stores';
import { ingestArticle } from '../../functions/use-cases/ingest-article';
import { RecordingTelemetry } from '../fetch/fakes';
import { articleMessage } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { articlePage } from '../support/pages';

let dynamo: LocalDynamo;
let articles: DynamoArticleStore;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  articles = new DynamoArticleStore(dynamo);
}, 60_000);
afterAll(() => dynamo.stop());

const serving = (html: string): PageFetcher => ({
  fetchPage: async (url) => ({ status: 200, url, contentType: 'text/html; charset=utf-8', body: Buffer.from(html) }),
});

/** Words that compress badly, as a hostile page's would: 3 MB of text is well over 400 KB once compressed. */
const noise = (chars: number) => {
  const words: string[] = [];
  for (let length = 0; length < chars; length += 9) words.push(randomBytes(4).toString('hex'));
  return words.join(' ');
};

describe('a page with fields too long for the article item', () => {
  it.each([
    ['a title of 540,000 characters', (url: string) => articlePage('Headline '.repeat(60_000), url, 'ferries')],
    [
      'an og:image URL of 500,000 characters',
      (url: string) => articlePage('Ferries sail again', url, 'ferries').replace('</head>', `<meta property="og:image" content="https://img.example.com/${'b'.repeat(500_000)}"></head>`),
    ],
    ['a canonical URL of 500,000 characters', (url: string) => articlePage('Ferries sail again', `${url}?x=${'a'.repeat(500_000)}`, 'ferries')],
    [
      'three million characters of text',
      (url: string) => articlePage('Ferries sail again', url, 'ferries').replace('</article>', `${Array.from({ length: 10 }, () => `<p>${noise(300_000)}</p>`).join('')}</article>`),
    ],
  ])('is stored with %s bounded', async (name, page) => {
    const url = `https://news.example.com/${name.replace(/\W+/g, '-')}`;
    const outcome = await ingestArticle(articleMessage({ url, sourceId: 'example', sourceName: 'Example' }), {
      fetcher: serving(page(url)),
      articles,
      related: new DynamoRelatedStore(dynamo),
      seen: new DynamoSeenUrlStore(dynamo),
      sources: new DynamoSourceStore(dynamo),
      telemetry: new RecordingTelemetry(),
    });

    expect(outcome).toMatchObject({ kind: 'stored', articleId: articleIdFor(url) });
    const article = await articles.getArticle(articleIdFor(url));
    expect(article?.url).toBe(url);
    expect(article?.title.length).toBeLessThanOrEqual(MAX_ARTICLE_TITLE_CHARS + 1);
    expect(article?.imageUrl ?? '').not.toMatch(/b{3000}/);
    expect(article?.body.length).toBeGreaterThan(1_000);
    expect(article?.body.length).toBeLessThanOrEqual(MAX_ARTICLE_BODY_CHARS);
  }, 60_000);
});
