import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ArticleMessage } from '../contracts/model';
import type { ArticleQueue } from '../ports';

const SQS_BATCH_LIMIT = 10;

/** The article queue over SQS: SendMessageBatch in tens; entries SQS refuses are returned, not thrown. */
export class SqsArticleQueue implements ArticleQueue {
  constructor(private readonly props: { readonly client: SQSClient; readonly queueUrl: string }) {}

  async sendArticles(messages: readonly ArticleMessage[]): Promise<{ readonly failed: readonly ArticleMessage[] }> {
    const failed: ArticleMessage[] = [];
    for (let i = 0; i < messages.length; i += SQS_BATCH_LIMIT) {
      const batch = messages.slice(i, i + SQS_BATCH_LIMIT);
      try {
        const result = await this.props.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.props.queueUrl,
            Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
          }),
        );
        for (const failure of result.Failed ?? []) {
          const message = batch[Number(failure.Id)];
          if (message) failed.push(message);
        }
      } catch {
        // The whole call failed (throttled, network): the caller decides; these URLs stay unseen and come back next run.
        failed.push(...batch);
      }
    }
    return { failed };
  }
}

/** Parses and checks a queue message body; a malformed one is a poison message. */
export function parseArticleMessage(body: string): ArticleMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('message body is not JSON');
  }
  const message = parsed as Partial<ArticleMessage> | null;
  if (
    typeof message !== 'object' ||
    message === null ||
    message.v !== 1 ||
    typeof message.url !== 'string' ||
    typeof message.sourceId !== 'string' ||
    typeof message.sourceName !== 'string' ||
    typeof message.correlationId !== 'string'
  ) {
    throw new MalformedMessageError('message is not an ArticleMessage v1');
  }
  return message as ArticleMessage;
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}
