/**
 * The bundles' size targets and the SDK clients each may carry: `npm run bench:bundles` reports against them and
 * test/infra/bundling.test.ts fails past them. Size drives a cold start's module compile time (docs/benchmarks.md).
 * The API's comments (routes, domain, DynamoDB adapter, ulid) added about 12 KB to its 390 KB, and reading a search
 * in Chinese, Japanese or Thai in words (functions/shared/unspaced-words.ts) 1.2 KB more: 420.3 KB. The worker carries
 * the word vectors that embed an article's text (functions/related/word-vectors.ts, 1.4 MB of base64: 10,000 words
 * x 100 bytes; 1,004 KB before them, 2,419 KB with them), whose word list also gives the term weights their
 * frequency ranks (term-weight.ts; the 45 KB subtitles' list it replaced was dropped: 2,379 KB): measured, they add
 * 10-20 ms to a cold start's module load (a string literal is scanned, not parsed; it is decoded at the first
 * article, about 25 ms once per container; then 0.3-0.5 ms an article).
 */
export const BUNDLE_TARGETS = [
  { name: 'fetcher', entry: 'functions/fetch-sources.ts', limitBytes: 1_000_000, clients: ['client-dynamodb', 'client-sqs'] },
  { name: 'worker', entry: 'functions/process-articles.ts', limitBytes: 2_500_000, clients: ['client-dynamodb'] },
  { name: 'api', entry: 'functions/http-api.ts', limitBytes: 425_000, clients: ['client-dynamodb'] },
] as const;
