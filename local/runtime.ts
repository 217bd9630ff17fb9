/**
 * The local stack: the deployed handlers, unchanged, on one machine. Local DynamoDB and SQS servers stand in for the
 * cloud's, timers stand in for EventBridge, a poller for the SQS event source mapping, and an HTTP server that turns
 * each request into an API Gateway (payload 2.0) event for the same API handler.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { FETCHER_SETTINGS, QUEUE_SETTINGS, REDRIVE_SETTINGS } from '../functions/contracts/queue-settings';
import type { SourceConfig } from '../functions/contracts/model';
import { handlerEnvironment } from '../functions/shared/config';
import { loadSources } from '../functions/sources/parse-sources';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/telemetry-contract';
import { createDemoSite, DEMO_PATH, type DemoSite } from './demo-site';
import { loadHandlers, loadRedriveHandler, type RedriveHandler } from './handlers';
import { createLambdaContext } from './lambda-context';
import { createJwtAuthorizer } from './jwt-authorizer';
import { LOCAL_OIDC_PATH, loadLocalIssuer } from './oidc-issuer';
import { collectOpsMetrics } from './ops-metrics';
import { createWebServer } from './web-server';
import { presentSource } from '../functions/api/present';
import { DynamoSourceStore } from '../functions/store/dynamo-stores';
import { startQueuePoller, type QueuePoller } from './queue-poller';
import { startScheduler, type Scheduler } from './scheduler';
import { ensureDataDir, lockDataDir } from './data-dir-lock';
import type { LogLevel } from './config';
import {
  createDynamoClients,
  localAwsIdentity,
  createQueues,
  createSqsClient,
  ensureTable,
  startDynamo,
  startSqs,
  type LocalQueues,
  type LocalServer,
} from './servers';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface LocalStackOptions {
  readonly port: number;
  /** Address the API listens on. @default 127.0.0.1: only this machine */
  readonly host?: string;
  /** A sources file; the bundled demo sources when absent. */
  readonly sourcesPath?: string;
  readonly dataDir: string;
  readonly print?: (line: string) => void;
  /** Seconds before a failed record is delivered again (the deployed queue uses 6x the worker timeout). */
  readonly visibilityTimeoutSeconds?: number;
  /** A DynamoDB server to use instead of starting dynalite; the table is created there if absent. */
  readonly dynamoEndpoint?: string;
  /** An SQS server to use instead of starting local-aws-sqs; the queues are created there if absent. */
  readonly sqsEndpoint?: string;
  /** The handlers' log level. @default WARN */
  readonly logLevel?: LogLevel;
}

export interface LocalStack {
  readonly port: number;
  /** The API's base URL (`http://127.0.0.1:3000`). */
  readonly url: string;
  readonly sources: readonly SourceConfig[];
  readonly tableName: string;
  /** The DynamoDB server, for tools that seed it or count its requests (an external one's count is NaN). */
  readonly dynamo: LocalServer;
  /** Runs the dead-letter redrive now, as the schedule and the ops page's button do (`force`: ignore cool-downs). */
  redrive(options?: { force?: boolean }): ReturnType<RedriveHandler>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'newsweave';

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const print = options.print ?? ((line: string) => console.log(line));
  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const host = options.host ?? DEFAULT_HOST;
    const url = `http://${displayHost(host)}:${options.port}`;
    let demo: DemoSite | undefined;
    let sources: SourceConfig[];
    if (options.sourcesPath) {
      sources = loadSources(resolve(options.sourcesPath));
    } else {
      demo = await createDemoSite({ baseUrl: `${url}${DEMO_PATH}` });
      sources = demo.sources;
    }

    const dataDir = resolve(options.dataDir);
    ensureDataDir(dataDir);
    stoppers.push(await lockDataDir(dataDir, { port: options.port, waitMs: DATA_DIR_WAIT_MS }));
    const identity = localAwsIdentity();
    const dynamo = options.dynamoEndpoint
      ? externalServer(options.dynamoEndpoint)
      : await startLocalServer(() => startDynamo({ path: join(dataDir, 'dynamodb') }), 'DynamoDB (dynalite)', dataDir);
    stoppers.push(() => dynamo.stop());
    const sqs = options.sqsEndpoint ? externalServer(options.sqsEndpoint) : await startSqs();
    stoppers.push(() => sqs.stop());
    if (options.dynamoEndpoint) print(`DynamoDB: ${options.dynamoEndpoint} (AWS_ENDPOINT_URL_DYNAMODB), table ${TABLE_NAME}`);
    if (options.sqsEndpoint) print(`SQS: ${options.sqsEndpoint} (AWS_ENDPOINT_URL_SQS)`);

    const { raw } = createDynamoClients(dynamo.endpoint, identity);
    await reach('DynamoDB', dynamo.endpoint, options.dynamoEndpoint !== undefined, () => ensureTable(raw, TABLE_NAME));
    raw.destroy();
    const sqsClient = createSqsClient(sqs.endpoint, identity);
    stoppers.push(() => sqsClient.destroy());
    const queues = await reach('SQS', sqs.endpoint, options.sqsEndpoint !== undefined, () =>
      createQueues(sqsClient, 'newsweave', { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
    );
    const queueArn = (
      await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;

    // The handlers read their configuration from the environment at load, as in Lambda.
    Object.assign(process.env, {
      ...handlerEnvironment({
        tableName: TABLE_NAME,
        queueUrl: queues.queueUrl,
        deadLetterQueueUrl: queues.deadLetterQueueUrl,
        allowPrivateAddresses: true,
      }),
      AWS_REGION: identity.region,
      AWS_ACCESS_KEY_ID: identity.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: identity.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
    });
    const { fetchSources, processArticles, httpApi } = await loadHandlers();
    const redriveHandler = await loadRedriveHandler();
    const redrive = (redriveOptions: { force?: boolean } = {}) =>
      redriveHandler({ force: redriveOptions.force === true }, createLambdaContext('newsweave-redrive', REDRIVE_SETTINGS.timeoutSeconds));

    // EventBridge's redrive schedule.
    const redriveTimer = setInterval(() => {
      redrive().catch((error: unknown) => print(`redrive: ${(error as Error).message}`));
    }, REDRIVE_SETTINGS.everyMinutes * 60_000);
    stoppers.push(() => clearInterval(redriveTimer));

    const opsMetrics = collectOpsMetrics();
    stoppers.push(() => opsMetrics.stop());
    const { document } = createDynamoClients(dynamo.endpoint, identity);
    stoppers.push(() => document.destroy());
    const sourceStore = new DynamoSourceStore({ client: document, tableName: TABLE_NAME });
    // As a deployment records its sources file: GET /sources lists these, not a source an earlier run read from
    // another file (its record stays, with its articles).
    await sourceStore.recordConfiguredSources(sources.map((source) => source.id));
    // The local stand-in for the Cognito user pool and API Gateway's JWT authorizer, over the same kind of tokens.
    const issuer = await loadLocalIssuer({ dataDir, port: options.port });
    const authorizer = createJwtAuthorizer({ issuer: issuer.issuer, audience: [issuer.clientId], jwks: issuer.jwks });
    const server = createWebServer({
      api: httpApi,
      demo,
      identity: { issuer, authorizer },
      onError: print,
      redrive: () => redrive({ force: true }),
      opsSnapshot: async () => ({
        ...opsMetrics.snapshot(),
        queue: await queueDepth(sqsClient, queues, { waitingIncludesInFlight: options.sqsEndpoint === undefined }),
        // As GET /sources shows them (id, refreshMinutes, errors without addresses), which the page also reads.
        sources: (await sourceStore.listSources()).map(presentSource),
      }),
    });
    await listen(server, options.port, host);
    stoppers.push(() => closeServer(server));
    if (demo) print(`demo outlets served at ${demo.baseUrl}`);
    print(`Newsweave API listening on ${url} (data in ${dataDir})`);
    // The event source mapping and EventBridge's schedules, started once the server listens: it serves the demo
    // outlets that the first fetch reads, and that the worker reads for messages an external queue kept.
    const poller: QueuePoller = startQueuePoller({
      client: sqsClient,
      queueUrl: queues.queueUrl,
      queueArn: queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:newsweave-articles',
      handler: processArticles,
      createContext: () => createLambdaContext('newsweave-worker', QUEUE_SETTINGS.workerTimeoutSeconds),
      batchSize: QUEUE_SETTINGS.batchSize,
      onError: (error) => print(`worker: ${(error as Error).message}`),
    });
    stoppers.push(() => poller.stop());
    const scheduler: Scheduler = startScheduler(sources, async (group, firstRun) => {
      try {
        const { outcomes } = await fetchSources(
          { sources: group, force: firstRun },
          createLambdaContext('newsweave-fetcher', FETCHER_SETTINGS.timeoutSeconds),
        );
        for (const outcome of outcomes) {
          print(`fetched ${outcome.sourceId}: ${outcome.status}, ${outcome.queued} queued${outcome.error ? ` (${outcome.error})` : ''}`);
        }
      } catch (error) {
        print(`fetcher: ${(error as Error).message}`);
      }
    });
    stoppers.push(() => scheduler.stop());
    // At the address the stack listens on (HOST); the tokens' issuer stays localhost, whichever address served them.
    print(`local sign-in: ${url}${LOCAL_OIDC_PATH}/sign-in, or a token from \`npm run --silent token -- <username>\``);
    return { port: options.port, url, sources, tableName: TABLE_NAME, dynamo, redrive, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A server this process did not start: nothing to stop, and no request count. */
function externalServer(endpoint: string): LocalServer {
  return { endpoint, requestCount: () => Number.NaN, stop: async () => {} };
}

/** Runs the first request to a server; an external one that cannot be reached is named in the error. */
async function reach<T>(what: string, endpoint: string, external: boolean, first: () => Promise<T>): Promise<T> {
  try {
    return await first();
  } catch (error) {
    if (!external) throw error;
    const variable = what === 'SQS' ? 'AWS_ENDPOINT_URL_SQS' : 'AWS_ENDPOINT_URL_DYNAMODB';
    throw new Error(`cannot use ${what} at ${endpoint} (${variable}): ${(error as Error).message}`, { cause: error });
  }
}

async function startLocalServer(start: () => Promise<LocalServer>, what: string, dataDir: string): Promise<LocalServer> {
  try {
    return await start();
  } catch (error) {
    throw new Error(
      `cannot start local ${what} on ${dataDir}: ${(error as Error).message} (is another Newsweave using this data dir?)`,
      { cause: error },
    );
  }
}

/** How long a start waits for a stack stopped a moment ago on the same data dir to end (its shutdown takes up to 4.5 s). */
const DATA_DIR_WAIT_MS = 6_000;

/** Only this machine by default: the local stack has no authentication, and its ops page can redrive the DLQ. */
export const DEFAULT_HOST = '127.0.0.1';

/** How to reach the server from this machine: a wildcard address is reached through loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return DEFAULT_HOST;
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((ready, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use: set PORT to a free port`)
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? new Error(`cannot listen on ${host}: set HOST to an address of this machine`)
            : error,
      ),
    );
    server.listen(port, host, ready);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

/**
 * The ops page's queue figures: messages waiting, in flight, and dead letters (waiting or hidden by the redrive).
 * SQS's ApproximateNumberOfMessages counts the visible messages only; the embedded local-aws-sqs counts the in-flight
 * ones in it too (`waitingIncludesInFlight`), which made every in-flight message show as waiting as well, and every
 * hidden dead letter count twice.
 */
export async function queueDepth(client: SQSClient, queues: LocalQueues, options: { waitingIncludesInFlight?: boolean } = {}) {
  const count = async (queueUrl: string) => {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const listed = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    const inFlight = Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    return { visible: options.waitingIncludesInFlight ? Math.max(0, listed - inFlight) : listed, inFlight };
  };
  const [main, dead] = await Promise.all([count(queues.queueUrl), count(queues.deadLetterQueueUrl)]);
  return { visible: main.visible, inFlight: main.inFlight, deadLetters: dead.visible + dead.inFlight };
}
