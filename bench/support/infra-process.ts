/**
 * The servers a benchmark talks to, in a child process of their own so that their CPU time is not charged to the
 * handlers measured in the parent: local DynamoDB (dynalite, in memory), local SQS with the article queue and its
 * DLQ, and the outlets (synthetic text, or a corpus's articles: support/synthetic-outlets.ts). Started by
 * `startInfraProcess`; answers `{ type: 'requests' }` over IPC with the outlets' request counts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createDynamoClients, createQueues, createSqsClient, ensureTable, startDynamo, startSqs } from '../../local/servers';
import { startSyntheticOutlets, type OutletOptions, type SyntheticOutlets } from './synthetic-outlets';

export interface Infra {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly tableName: string;
  readonly sources: SyntheticOutlets['sources'];
  readonly articleCount: number;
}

export interface InfraProcess extends Infra {
  outletRequests(): Promise<ReturnType<SyntheticOutlets['requests']>>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'newsweave-bench';

export async function startInfraProcess(options: OutletOptions): Promise<InfraProcess> {
  const child: ChildProcess = fork(import.meta.filename, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench servers exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as T);
      });
    });
  const infra = await next<Infra>();
  return {
    ...infra,
    async outletRequests() {
      const answer = next<ReturnType<SyntheticOutlets['requests']>>();
      child.send({ type: 'requests' });
      return answer;
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(options: OutletOptions): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startDynamo();
  const sqs = await startSqs();
  const outlets = await startSyntheticOutlets(options);
  const { raw } = createDynamoClients(dynamo.endpoint);
  await ensureTable(raw, TABLE_NAME);
  raw.destroy();
  const sqsClient = createSqsClient(sqs.endpoint);
  const queues = await createQueues(sqsClient, 'bench');
  sqsClient.destroy();
  const infra: Infra = {
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    queueUrl: queues.queueUrl,
    tableName: TABLE_NAME,
    sources: outlets.sources,
    articleCount: outlets.articleCount,
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'requests') process.send?.(outlets.requests());
  });
  const stop = async () => {
    await outlets.stop();
    await sqs.stop();
    await dynamo.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  // An orphan (the parent died) has nobody to serve.
  process.once('disconnect', () => void stop());
  process.send?.(infra);
}

if (process.argv[1] === import.meta.filename) await serve(JSON.parse(process.argv[2] ?? '{}'));
