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
