/**
 * The dead-letter redrive's Lambda entry point, as EventBridge invokes it every 15 minutes, against real local
 * DynamoDB and SQS servers with Powertools' metrics on as deployed: a run with nothing to redrive logs its summary and
 * no empty-metrics warning (one every 15 minutes before), a run that redrives publishes its count as EMF.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLambdaContext } from '../../local/lambda-context';
import { createQueues, createSqsClient, localAwsIdentity, startSqs, type LocalServer } from '../../local/servers';
import { METRICS_NAMESPACE } from '../../functions/shared/telemetry-contract';
import { articleMessage } from '../support/events';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { captureOutput } from '../support/capture-output';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';

type Handler = (event: unknown, context: Context) => Promise<{ redriven: number }>;
let dynamo: LocalDynamo;
let sqs: LocalServer;
let client: SQSClient;
let deadLetterQueueUrl = '';
let handler: Handler;
const lines: string[] = [];

beforeAll(async () => {
  [dynamo, sqs] = await Promise.all([startLocalDynamo('redrive-handler'), startSqs()]);
  client = createSqsClient(sqs.endpoint, localAwsIdentity());
  const queues = await createQueues(client, 'redrive-handler');
  deadLetterQueueUrl = queues.deadLetterQueueUrl;
  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint });
  stubEnv('QUEUE_URL', queues.queueUrl);
  stubEnv('DEAD_LETTER_QUEUE_URL', queues.deadLetterQueueUrl);
  stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
  stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  // As Lambda sets it: Powertools counts a cold start only in an on-demand execution environment.
  stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  captureOutput(lines);
  handler = (await import('../../functions/redrive-dead-letters')).handler as unknown as Handler;
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnv();
  client?.destroy();
  await sqs?.stop();
  await dynamo?.stop();
});

const emfNames = () =>
  lines
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => (JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } })._aws.CloudWatchMetrics)
    .flatMap((set) => set.Metrics.map((metric) => metric.Name));

describe('redrive-dead-letters handler', () => {
  it('publishes the cold start once, and a run with nothing to redrive logs only its summary', async () => {
    await handler({}, createLambdaContext('newsweave-redrive', 60));
    expect(emfNames()).toEqual(['ColdStart']);
    lines.length = 0;
    expect(await handler({}, createLambdaContext('newsweave-redrive', 60))).toMatchObject({ redriven: 0 });
    // Its summary at INFO, and nothing else: no EMF, no warning.
    expect(emfNames()).toEqual([]);
    expect(lines.map((line) => (JSON.parse(line) as { level: string; message: string }))).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'redrive done' }),
    ]);
  });

  it('publishes what a run that redrives did', async () => {
    lines.length = 0;
    await client.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: JSON.stringify(articleMessage({ url: 'https://news.example/a' })) }));
    expect(await handler({ force: true }, createLambdaContext('newsweave-redrive', 60))).toMatchObject({ redriven: 1 });
    expect(emfNames()).toContain('DeadLettersRedriven');
    expect(lines.join('\n')).not.toContain('No application metrics');
  });

  // Last: it stops the table.
  it('fails the invocation, so that the RedriveFailing alarm sees it, when letters could not be handled for want of the table', async () => {
    lines.length = 0;
    await client.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: JSON.stringify(articleMessage({ url: 'https://news.example/b' })) }));
    await dynamo.stop();
    await expect(handler({ force: true }, createLambdaContext('newsweave-redrive', 60))).rejects.toThrow(
      /1 dead letter\(s\) could not be handled and stay in the dead-letter queue .*"redriven":0.*"failed":1/,
    );
    expect(lines.some((line) => line.includes('dead letter left for the next run'))).toBe(true);
  }, 30_000);
});
