/**
 * The article queue's failure paths that the local SQS server never produces (entries refused inside a successful
 * SendMessageBatch, a throttled call), on an SQS client mocked with aws-sdk-client-mock: the URLs that could not be
 * queued are returned, so that the fetcher leaves them unseen for its next run.
 */
import { RequestThrottled, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { parseArticleMessage } from '../../functions/contracts/article-message';
import { parseFeed } from '../../functions/feeds/parse-feed';
import { SqsArticleQueue } from '../../functions/queue/sqs-article-queue';
import { articleMessage } from '../support/events';

const sqs = mockClient(SQSClient);
afterEach(() => {
  sqs.reset();
});

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/newsweave-articles';
const queue = () => new SqsArticleQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: QUEUE_URL });
const messages = Array.from({ length: 12 }, (_, n) => articleMessage({ url: `https://news.example.com/story/${n}` }));
const sentBatches = () =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.map((entry) => JSON.parse(entry.MessageBody ?? '').url));

describe('SqsArticleQueue', () => {
  it('sends in batches of ten and returns the entries SQS refused, by their batch id', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError', Message: 'try again' }] })
      .resolvesOnce({ Successful: [], Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidParameterValue' }] });

    const { failed, cause } = await queue().sendArticles(messages);

    expect(failed).toEqual([messages[3], messages[11]]);
    expect(cause).toBe('InternalError: try again');
    expect(sentBatches()).toEqual([messages.slice(0, 10).map((m) => m.url), messages.slice(10).map((m) => m.url)]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: QUEUE_URL,
      Entries: expect.arrayContaining([{ Id: '0', MessageBody: JSON.stringify(messages[0]) }]),
    });
  });

  it('returns a whole batch whose call failed, and still sends the next one', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(new RequestThrottled({ message: 'Request is throttled.', $metadata: {} }))
      .resolves({ Successful: [], Failed: [] });

    const { failed, cause } = await queue().sendArticles(messages);

    expect(failed).toEqual(messages.slice(0, 10));
    expect(cause).toBe('RequestThrottled: Request is throttled.');
    expect(sentBatches()).toHaveLength(2);
  });

  it('sends nothing for no messages', async () => {
    expect(await queue().sendArticles([])).toEqual({ failed: [] });
    expect(sentBatches()).toEqual([]);
  });

  it('sends only characters SQS takes, whatever a feed put in an entry, and the worker reads the entry back unchanged', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    // SQS refuses a body with a character outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
    const outsideSqs = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
    const feed = parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [{ url: 'https://news.example.com/odd', title: 'Odd \uffff title', summary: 'A \ufffe summary \u0001 with \ud800 bits', authors: [{ name: 'Ana\uffff' }] }],
      }),
      'https://news.example.com/feed.json',
    );
    const [entry] = feed.entries;
    expect(entry?.title).toContain('\uffff');
    const message = articleMessage({ url: 'https://news.example.com/odd', entry });

    expect(await queue().sendArticles([message])).toEqual({ failed: [] });

    const body = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageBody ?? '';
    expect(body).not.toMatch(outsideSqs);
    expect(parseArticleMessage(body)).toEqual(message);
  });
});

