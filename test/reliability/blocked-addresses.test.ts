/**
 * The worker and the fetcher in deployed mode (ALLOW_PRIVATE_ADDRESSES=false) given URLs aimed at loopback, private,
 * link-local (cloud metadata) and CGNAT addresses, in the spellings an attacker would try. Each is refused as
 * `blocked-address` without a connection being made: the page server listening on loopback sees none.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stubEnv } from '../support/stub-env';
import { labelled } from '../support/labelled';
import type { SourceConfig } from '../../functions/contracts/model';
import { createLambdaContext } from '../../local/lambda-context';
import { FETCHER_SETTINGS } from '../../functions/contracts/queue-settings';
import { articleMessage, sqsEvent } from '../support/events';
import { startPageServer, type PageServer } from './support/page-server';
import { startPipelineHarness, type PipelineHarness } from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  harness = await startPipelineHarness({ allowPrivateAddresses: false });
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await pages?.stop();
});

describe('URLs aimed at addresses the deployed worker must never reach', () => {
  it('are rejected as blocked-address, without connecting, and nothing is stored', async () => {
    const port = new URL(pages.origin).port;
    const urls = [
      `http://127.0.0.1:${port}/loopback`,
      `http://localhost:${port}/by-name`,
      `http://[::1]:${port}/ipv6-loopback`,
      `http://[::ffff:127.0.0.1]:${port}/ipv4-mapped`,
      `http://0x7f.1:${port}/hex`,
      `http://2130706433:${port}/decimal`,
      `http://0177.0.0.1:${port}/octal`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://10.0.0.1/intranet',
      'http://192.168.1.1/router',
      'http://172.16.0.1/private',
      'http://100.64.0.1/cgnat',
      'http://0.0.0.0/unspecified',
    ];
    harness.resetTally();
    const response = await harness.worker(
      sqsEvent(urls.map((url) => articleMessage({ url, sourceId: 'ssrf', sourceName: 'SSRF' }))),
      createLambdaContext('newsweave-worker', 60),
    );

    expect(response.batchItemFailures).toEqual([]);
    const { totals, rejectedBy } = harness.tally();
    expect(rejectedBy).toEqual({ 'blocked-address': urls.length });
    expect(totals.ArticlesStored ?? 0).toBe(0);
    expect(pages.connections()).toBe(0);
    // Remembered as processed, so that the fetcher does not queue them again.
    expect(await harness.stores.seen.filterUnseen(urls)).toEqual([]);
    expect((await harness.stores.articles.listArticles({ limit: 10 })).items).toEqual([]);
  });
});

describe('feed URLs aimed at the same addresses', () => {
  it('fail with a blocked-address error on the source, queue nothing and connect nowhere', async () => {
    const queues = await harness.createQueues();
    stubEnv('QUEUE_URL', queues.queueUrl);
    stubEnv('AWS_ENDPOINT_URL_SQS', harness.sqsEndpoint);
    const fetchSources = (await import('../../functions/fetch-sources')).handler as unknown as (
      event: { sources: SourceConfig[] },
      context: Context,
    ) => Promise<{ outcomes: { sourceId: string; status: string }[] }>;
    const port = new URL(pages.origin).port;
    const urls = [`http://127.0.0.1:${port}/feed.xml`, `http://localhost:${port}/feed.xml`, 'http://169.254.169.254/feed.xml', 'http://[::1]/feed.xml'];
    const sources = urls.map((url, n) => ({ id: `internal-${n}`, name: `Internal ${n}`, url, schedule: 'rate(1 hour)' }));
    const before = pages.connections();

    const { outcomes } = await fetchSources({ sources }, createLambdaContext('newsweave-fetcher', FETCHER_SETTINGS.timeoutSeconds));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(urls.map(() => 'failed'));
    for (const source of sources) {
      const stored = await harness.stores.sources.getSource(source.id);
      labelled(source.url, () => expect(stored).toMatchObject({ lastErrorKind: 'blocked-address', errorCount: 1 }));
    }
    expect(await harness.depth(queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(pages.connections()).toBe(before);
  });
});
