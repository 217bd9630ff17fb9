/**
 * The deployed Lambda handlers, loaded as Lambda loads them: once, after the environment they read at load is set
 * (table, queue, endpoints), and invoked as Lambda invokes them. Used by the local runtime and by the work-per-unit
 * benchmark. The redrive is loaded apart (loadRedriveHandler), as only the local runtime runs it and it reads the
 * dead-letter queue's URL.
 *
 * Every handler is loaded once in this one process, whose invocations overlap: the worker's batches, the API's
 * requests, the fetches of two schedules. That is one execution environment taking several invocations at once, as
 * Lambda runs one on Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY); Lambda's runtime then runs each invocation in a
 * context of its own (@aws/lambda-invoke-store), and Powertools keeps there what is an invocation's, not its handler's:
 * the request id its log lines carry, its log keys, the metrics it publishes, its batch's failures (a BatchProcessor
 * shared by two batches mixed theirs up, and the poller then deleted failed records as done). In a process that has
 * loaded them so, the handlers are called only through these functions: Powertools then refuses to log or count
 * outside an invocation's context ("No context available").
 */
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { assertIsolatesInvocations } from './invoke-store';
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

// Made when this module loads, before any AWS SDK call: the SDK makes the process's store when there is none yet, and
// without AWS_LAMBDA_MAX_CONCURRENCY set, one that holds a single invocation's context at a time. The library returns
// a store that already exists as it is, so a module that called the SDK before this one loaded would leave us that
// one: checked here, rather than found as invocations that mix up each other's batch failures.
const invokeStore = await assertIsolatesInvocations(await InvokeStore.getInstanceAsync(true));

/** Imports the redrive's entry point; call it once DEAD_LETTER_QUEUE_URL, QUEUE_URL and TABLE_NAME are set. */
export async function loadRedriveHandler(): Promise<RedriveHandler> {
  const redrive = await loadEntryPoint(() => import('../functions/redrive-dead-letters'));
  return asInvocations(redrive.handler as unknown as RedriveHandler);
}

/** Imports the three entry points; call it only once the environment is in place. */
export async function loadHandlers(): Promise<Handlers> {
  // One after the other: jest's ES module loader fails on concurrent imports that share a dependency
  // (jestjs/jest#11434), and the tests start the local stack in process.
  const fetcher = await loadEntryPoint(() => import('../functions/fetch-sources'));
  const worker = await loadEntryPoint(() => import('../functions/process-articles'));
  const api = await loadEntryPoint(() => import('../functions/http-api'));
  return {
    fetchSources: asInvocations(fetcher.handler as unknown as Handlers['fetchSources']),
    processArticles: asInvocations(worker.handler as unknown as Handlers['processArticles']),
    httpApi: asInvocations(api.handler as unknown as Handlers['httpApi']),
  };
}

/**
 * Imports an entry point with the variables Lambda sets for its runtime. Powertools keeps an invocation's state in the
 * store once AWS_LAMBDA_MAX_CONCURRENCY is set (to anything: 64 is Lambda's own default per vCPU for Node.js), even
 * what an entry point makes at load, such as its Metrics' dimensions: the load runs in a context of its own, as
 * Lambda's init phase is no invocation. AWS_LAMBDA_INITIALIZATION_TYPE says that the environment was started for an
 * invocation, which Powertools needs to call a function's first invocation a cold start (`cold_start` on its lines,
 * its ColdStart metric), as it does in Lambda.
 */
function loadEntryPoint<Module>(importing: () => Promise<Module>): Promise<Module> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE ??= 'on-demand';
  return invokeStore.run({}, importing);
}

/** The handler, each of whose calls runs in an invocation context of its own, under its request id. */
function asInvocations<Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) {
  return (event: Event, context: Context): Promise<Result> =>
    invokeStore.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
}
