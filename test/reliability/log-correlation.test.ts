/**
 * A batch's records are processed at the same time (Powertools' BatchProcessor runs them in parallel), so the keys
 * each record adds to its log lines must stay its own: a rejection logged for one URL must carry that message's
 * correlation id, or an operator following a correlation id from the fetcher to the store is led to the wrong URL.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLambdaContext } from '../../local/lambda-context';
import { articleMessage, sqsEvent } from '../support/events';
import { startPageServer, type PageServer } from './support/page-server';
import { startPipelineHarness, type PipelineHarness } from './support/pipeline-harness';

let harness: PipelineHarness;
let pages: PageServer;
const lines: string[] = [];

beforeAll(async () => {
  pages = await startPageServer();
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(String(line)));
  }
  harness = await startPipelineHarness({ allowPrivateAddresses: true, logLevel: 'WARN' });
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await harness?.stop();
  await pages?.stop();
});

describe('log lines of records processed in one batch', () => {
  it('carry the correlation id and source of their own message', async () => {
    const messages = [0, 1, 2, 3].map((n) => {
      const path = `/gone/${n}`;
      pages.route(path, (_, response) => void setTimeout(() => response.writeHead(404).end(), 50 * (4 - n)));
      return articleMessage({ url: `${pages.origin}${path}`, sourceId: `source-${n}`, correlationId: `correlation-${n}` });
    });
    lines.length = 0;
    await harness.worker(sqsEvent(messages), createLambdaContext('newsweave-worker', 60));

    const rejections = lines
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      })
      .filter((record) => record.message === 'page rejected');
    expect(rejections).toHaveLength(messages.length);
    for (const record of rejections) {
      const message = messages.find((m) => m.url === record.url)!;
      expect({ url: record.url, correlationId: record.correlationId, sourceId: record.sourceId }).toEqual({
        url: message.url,
        correlationId: message.correlationId,
        sourceId: message.sourceId,
      });
    }
  });
});
