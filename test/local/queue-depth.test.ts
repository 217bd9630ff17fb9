/**
 * The ops page's queue figures (/ops/metrics.json `queue`) against the embedded SQS server the local stack starts:
 * a message in flight is in flight, not waiting too, and a dead letter the redrive hid is counted once.
 */
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { queueDepth } from '../../local/runtime';
import { createQueues, createSqsClient, localAwsIdentity, startSqs, type LocalQueues, type LocalServer } from '../../local/servers';

let sqs: LocalServer;
let client: SQSClient;
let queues: LocalQueues;

beforeAll(async () => {
  sqs = await startSqs();
  client = createSqsClient(sqs.endpoint, localAwsIdentity());
  queues = await createQueues(client, 'queue-depth');
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

const send = (queueUrl: string, count: number) =>
  client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: count }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })) }));
const take = (queueUrl: string, count: number) =>
  client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: count, VisibilityTimeout: 600, WaitTimeSeconds: 1 }));

describe('queueDepth over the embedded SQS server', () => {
  it('counts a message in flight once: not as waiting as well', async () => {
    await send(queues.queueUrl, 3);
    await send(queues.deadLetterQueueUrl, 2);
    expect((await take(queues.queueUrl, 1)).Messages).toHaveLength(1);
    // As the redrive's postpone leaves a letter that has not cooled down: hidden, still in the queue.
    expect((await take(queues.deadLetterQueueUrl, 1)).Messages).toHaveLength(1);
    expect(await queueDepth(client, queues, { waitingIncludesInFlight: true })).toEqual({ visible: 2, inFlight: 1, deadLetters: 2 });
  });
});
