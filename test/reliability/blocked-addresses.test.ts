/**
 * The worker in deployed mode (ALLOW_PRIVATE_ADDRESSES=false) given article URLs aimed at loopback, private, link-local
 * (cloud metadata) and CGNAT addresses, in the spellings an attacker would try. Each is rejected as `blocked-address`
 * without a connection being made: the page server listening on loopback sees none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaContext } from '../../local/lambda-context';
import { articleMessage, sqsEvent } from '../support/events';
import { startPageServer, type PageServer } from './support/page-server';
import { startPipelineHarness, type PipelineHarness } from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  harness = await startPipelineHarness({ allowPrivateAddresses: false });
});

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
