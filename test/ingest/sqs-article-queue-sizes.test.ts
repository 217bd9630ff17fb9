/**
 * The article queue against the local SQS server (local-aws-sqs, which enforces SQS's payload limits): a message too
 * large for SQS never takes the rest of its batch down with it, and batches stay under the limit on the sum of their
 * messages, whatever the sizes.
 */
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createQueues, createSqsClient, localAwsIdentity, startSqs, type LocalServer } from '../../local/servers';
import { SQS_PAYLOAD_LIMIT_BYTES, SqsArticleQueue } from '../../functions/queue/sqs-article-queue';
import { articleMessage } from '../support/events';

let sqs: LocalServer;
let client: SQSClient;
let queues = 0;

beforeAll(async () => {
  sqs = await startSqs();
  client = createSqsClient(sqs.endpoint, localAwsIdentity());
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

async function freshQueue(): Promise<{ queue: SqsArticleQueue; queueUrl: string }> {
  const { queueUrl } = await createQueues(client, `article-sizes-${++queues}`);
  return { queue: new SqsArticleQueue({ client, queueUrl }), queueUrl };
}

/** Every URL on the queue; the local server answers at once, so an empty receive means an empty queue. */
async function queuedUrls(queueUrl: string): Promise<string[]> {
  const urls: string[] = [];
  for (let receives = 0; receives < 20; receives += 1) {
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (Messages.length === 0) break;
    urls.push(...Messages.map((message) => (JSON.parse(message.Body ?? '') as { url: string }).url));
  }
  return urls.sort();
}

const story = (n: number, extra = 0) => articleMessage({ url: `https://news.example.com/story/${n}${extra > 0 ? `?q=${'a'.repeat(extra)}` : ''}` });

describe('SqsArticleQueue with the local SQS server', () => {
  it('returns a message too large for SQS without sending it, and queues the rest of its batch', async () => {
    const { queue, queueUrl } = await freshQueue();
    // Over 1 MiB with its entry: more than SQS takes in one message or one batch.
    const huge = articleMessage({ url: `https://news.example.com/huge?q=${'x'.repeat(600_000)}` });
    const huger = { ...huge, entry: { url: huge.url } };
    const messages = [story(0), story(1), story(2), story(3), huger, story(5), story(6), story(7), story(8), story(9)];

    const { failed } = await queue.sendArticles(messages);

    expect(failed).toEqual([huger]);
    expect(await queuedUrls(queueUrl)).toEqual(messages.filter((message) => message !== huger).map((message) => message.url).sort());
  });

  it('keeps each call under the limit on the sum of its messages, so that large ones are all queued', async () => {
    const { queue, queueUrl } = await freshQueue();
    // Each just under the limit; five of them in one call would be over 1 MiB.
    const messages = Array.from({ length: 5 }, (_, n) => story(n, SQS_PAYLOAD_LIMIT_BYTES - 500));

    const { failed } = await queue.sendArticles(messages);

    expect(failed).toEqual([]);
    expect(await queuedUrls(queueUrl)).toEqual(messages.map((message) => message.url).sort());
  });
});
