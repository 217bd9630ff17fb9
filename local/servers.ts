/**
 * The local stand-ins for DynamoDB and SQS, both from npm and both in process: dynalite (LevelDB on disk when given a
 * path, so a restart keeps what was ingested) and local-aws-sqs (speaks the JSON protocol of @aws-sdk/client-sqs v3,
 * with visibility timeouts and redrive to a dead-letter queue).
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Server } from 'node:http';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { QUEUE_SETTINGS } from '../functions/contracts/queue-settings';
import { sleep } from '../functions/shared/concurrency';
import { createTableInput } from '../functions/contracts/table-schema';

const require = createRequire(import.meta.url);

/** Credentials and region for the local servers; they check neither. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface LocalServer {
  readonly endpoint: string;
  /** Requests served so far: benchmarks divide it by the calls they made. */
  requestCount(): number;
  stop(): Promise<void>;
}

function countRequests(server: Server): () => number {
  let count = 0;
  server.on('request', () => {
    count += 1;
  });
  return () => count;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Stops taking connections, lets the requests in progress finish (up to `graceMs`), then closes the rest. dynalite
 * closes its database on 'close': a request still reading it then throws outside any promise and would kill the
 * process, so answered requests must drain first.
 */
async function close(server: Server, graceMs = 1_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + graceMs;
  while (inFlight(server) > 0 && Date.now() < deadline) await sleep(20);
  server.closeAllConnections?.();
  await closed;
}

const IN_FLIGHT = Symbol('in-flight requests');

function inFlight(server: Server): number {
  return (server as Server & { [IN_FLIGHT]?: number })[IN_FLIGHT] ?? 0;
}

function trackInFlight(server: Server): void {
  const tracked = server as Server & { [IN_FLIGHT]?: number };
  tracked[IN_FLIGHT] = 0;
  server.on('request', (_request, response: import('node:http').ServerResponse) => {
    tracked[IN_FLIGHT]! += 1;
    response.once('close', () => (tracked[IN_FLIGHT]! -= 1));
  });
}

/** Starts dynalite on 127.0.0.1 (a free port unless given); on disk at `path`, else in memory. */
export async function startDynamo(options: { path?: string; port?: number } = {}): Promise<LocalServer> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  trackInFlight(server);
  const requestCount = countRequests(server);
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://127.0.0.1:${port}`, requestCount, stop: () => close(server) };
}

/** The region and credentials clients sign with: DynamoDB Local keeps one set of tables per access key and region. */
export type LocalAwsIdentity = { readonly region: string; readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } };

/**
 * LOCAL_AWS, or the environment's region and keys when it sets them: an external server (DynamoDB Local, LocalStack)
 * then sees the tables and queues its other clients use.
 */
export function localAwsIdentity(env: NodeJS.ProcessEnv = process.env): LocalAwsIdentity {
  const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = env;
  return {
    region: AWS_REGION || LOCAL_AWS.region,
    credentials: AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY ? { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY } : LOCAL_AWS.credentials,
  };
}

export function createDynamoClients(endpoint: string, identity: LocalAwsIdentity = LOCAL_AWS) {
  const raw = new DynamoDBClient({ ...identity, endpoint, maxAttempts: 5 });
  const document = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return { raw, document };
}

/**
 * Creates the table unless it exists (a restart on the same data dir finds it there), and returns once it is ACTIVE:
 * a new table takes item requests only then (dynalite makes it so on its next turn, DynamoDB Local and LocalStack
 * later), and a request before that fails with ResourceNotFound.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, timeoutMs = 60_000): Promise<void> {
  const status = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus ?? 'absent';
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return 'absent';
      throw error;
    }
  };
  if ((await status()) === 'absent') {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      // Created by someone else since: as good.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (let current = await status(); current !== 'ACTIVE'; current = await status()) {
    if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${current} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export async function startSqs(options: { port?: number } = {}): Promise<LocalServer> {
  const { createSqsServer } = require('local-aws-sqs') as {
    createSqsServer(options: Record<string, unknown>): Promise<Server>;
  };
  const server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const address = server.address() as AddressInfo | null;
  if (!address) throw new Error('local SQS server did not start');
  return { endpoint: `http://127.0.0.1:${address.port}`, requestCount: countRequests(server), stop: () => close(server) };
}

export function createSqsClient(endpoint: string, identity: LocalAwsIdentity = LOCAL_AWS): SQSClient {
  return new SQSClient({ ...identity, endpoint });
}

export interface LocalQueues {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** The article queue and its DLQ, with the deployed stack's redrive policy and visibility timeout. */
export async function createQueues(
  client: SQSClient,
  prefix: string,
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<LocalQueues> {
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-articles-dlq`,
      Attributes: { MessageRetentionPeriod: String(QUEUE_SETTINGS.deadLetterRetentionDays * 86_400) },
    }),
  );
  const dlqAttributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-articles`,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error('local SQS server did not return queue URLs');
  return { queueUrl: queue.QueueUrl, deadLetterQueueUrl: dlq.QueueUrl };
}

/** A port nobody listens on now (dynalite's command line takes a port, and 0 is its default 4567). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * dynalite's own command line in a child process, so that its work runs on another core than the caller's (the
 * evaluation and the benchmarks); on disk at `path`, else in memory. Resolves once it listens.
 */
export async function startDynamoProcess(options: { path?: string } = {}): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const cli = require.resolve('dynalite/cli.js');
  const port = await freePort();
  // A larger young generation: dynalite allocates a great deal per request, and scavenges were a tenth of its CPU.
  const args = ['--max-semi-space-size=32', cli, '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0', ...(options.path ? ['--path', options.path] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', stopChild);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
