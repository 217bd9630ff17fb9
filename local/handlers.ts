/**
 * The deployed Lambda handlers, loaded as Lambda loads them: once, after the environment they read at load is set
 * (table, queue, endpoints). Used by the local runtime and by the work-per-unit benchmark. The redrive is loaded
 * apart (loadRedriveHandler), as only the local runtime runs it and it reads the dead-letter queue's URL.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SourceConfig } from '../functions/contracts/model';
// Types only: the entry points themselves are imported once the environment is set (below).
import type { RedriveSummary } from '../functions/use-cases/redrive-dead-letters';
import type { RefreshOutcome } from '../functions/use-cases/refresh-source';

export interface Handlers {
  fetchSources(event: { sources: SourceConfig[]; force?: boolean }, context: Context): Promise<{ outcomes: RefreshOutcome[] }>;
  processArticles(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
  httpApi(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
}

export type RedriveHandler = (event: { force?: boolean }, context: Context) => Promise<RedriveSummary>;

/** Imports the redrive's entry point; call it once DEAD_LETTER_QUEUE_URL, QUEUE_URL and TABLE_NAME are set. */
export async function loadRedriveHandler(): Promise<RedriveHandler> {
  return (await import('../functions/redrive-dead-letters')).handler as unknown as RedriveHandler;
}

/** Imports the three entry points; call it only once the environment is in place. */
export async function loadHandlers(): Promise<Handlers> {
  // One after the other: jest's ES module loader fails on concurrent imports that share a dependency
  // (jestjs/jest#11434), and the tests start the local stack in process.
  const fetcher = await import('../functions/fetch-sources');
  const worker = await import('../functions/process-articles');
  const api = await import('../functions/http-api');
  return {
    fetchSources: fetcher.handler as unknown as Handlers['fetchSources'],
    processArticles: worker.handler as unknown as Handlers['processArticles'],
    httpApi: api.handler as unknown as Handlers['httpApi'],
  };
}
