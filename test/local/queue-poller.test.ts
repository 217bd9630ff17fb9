/**
 * The local event source mapping against the real local SQS server: deletes what succeeded, redelivers reported
 * failures after the visibility timeout, and dead-letters after maxReceiveCount, as Lambda with SQS does.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createLambdaContext } from '../../local/lambda-context';
import { startQueuePoller } from '../../local/queue-poller';
import { createQueues, createSqsClient, startSqs, type LocalQueues, type LocalServer } from '../../local/servers';

let server: LocalServer;
let client: SQSClient;
let queues: LocalQueues;

beforeAll(async () => {
  server = await startSqs();
  client = createSqsClient(server.endpoint);
  queues = await createQueues(client, 'poller-test', { visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
}, 60_000);
afterAll(async () => {
  client.destroy();
  await server.stop();
});

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

it('deletes successes, redelivers failures, and dead-letters a poison message after maxReceiveCount', async () => {
  const bodies = Array.from({ length: 12 }, (_, n) => (n === 5 ? 'poison' : n === 7 ? 'flaky' : `ok-${n}`));
  for (let i = 0; i < bodies.length; i += 10) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
  }
  const handled = new Map<string, number[]>();
  const poller = startQueuePoller({
    client,
    queueUrl: queues.queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:123456789012:poller-test-articles',
    batchSize: 10,
    createContext: () => createLambdaContext('test-worker', 5),
    handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
      expect(event.Records.length).toBeLessThanOrEqual(10);
      const failures = event.Records.filter((record) => {
        const count = Number(record.attributes.ApproximateReceiveCount);
        handled.set(record.body, [...(handled.get(record.body) ?? []), count]);
        return record.body === 'poison' || (record.body === 'flaky' && count < 2);
      });
      return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
    },
  });
  try {
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline && !((await depth(queues.queueUrl)) === 0 && (await depth(queues.deadLetterQueueUrl)) === 1)) {
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await poller.stop();
  }
  expect(await depth(queues.queueUrl)).toBe(0);
  expect(handled.get('poison')).toEqual([1, 2, 3]);
  expect(handled.get('flaky')).toEqual([1, 2]);
  // Delivery is at least once (a slow batch may outlive its visibility timeout), but every success was deleted:
  // none of them reached the dead-letter queue.
  for (const body of bodies.filter((b) => b.startsWith('ok-'))) expect(handled.get(body)?.[0]).toBe(1);
  const dead = await client.send(new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MaxNumberOfMessages: 10 }));
  expect(dead.Messages?.map((message) => message.Body)).toEqual(['poison']);
}, 40_000);

it('fails the whole batch when the handler throws, as Lambda does', async () => {
  await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queues.queueUrl,
      Entries: [{ Id: 'a', MessageBody: 'crash-a' }, { Id: 'b', MessageBody: 'crash-b' }],
    }),
  );
  let calls = 0;
  const errors: unknown[] = [];
  const poller = startQueuePoller({
    client,
    queueUrl: queues.queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:123456789012:poller-test-articles',
    batchSize: 10,
    concurrency: 1,
    createContext: () => createLambdaContext('test-worker', 5),
    onError: (error) => errors.push(error),
    handler: async (event) => {
      calls++;
      if (calls === 1) throw new Error('worker crashed');
      expect(event.Records.length).toBeGreaterThan(0);
      return { batchItemFailures: [] };
    },
  });
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (calls < 2 || (await depth(queues.queueUrl)) > 0)) {
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await poller.stop();
  }
  expect(errors.map((error) => (error as Error).message)).toContain('worker crashed');
  expect(await depth(queues.queueUrl)).toBe(0);
}, 20_000);
