import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ArticleMessage } from '../contracts/model';
import type { ArticleQueue } from '../ports';

const SQS_BATCH_LIMIT = 10;
/**
 * The most we put in one message, and in one SendMessageBatch call (SQS limits the sum of its messages, and refuses
 * the whole call beyond it). SQS takes up to 1 MiB since 2025, but a queue's MaximumMessageSize may still be the former
 * 256 KiB; our messages are a few KB (feed entries are bounded when parsed), so the lower bound costs nothing.
 */
export const SQS_PAYLOAD_LIMIT_BYTES = 256 * 1024;

interface Entry {
  readonly message: ArticleMessage;
  readonly body: string;
}

/**
 * The article queue over SQS: SendMessageBatch in tens, kept under the payload limit; entries SQS refuses are
 * returned, not thrown. A message over the limit is returned without being sent: in a batch, SQS would refuse its
 * neighbours with it.
 */
export class SqsArticleQueue implements ArticleQueue {
  constructor(private readonly props: { readonly client: SQSClient; readonly queueUrl: string }) {}

  async sendArticles(messages: readonly ArticleMessage[]): Promise<{ readonly failed: readonly ArticleMessage[] }> {
    const failed: ArticleMessage[] = [];
    const batches: Entry[][] = [];
    let batch: Entry[] = [];
    let batchBytes = 0;
    for (const message of messages) {
      const body = JSON.stringify(message);
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > SQS_PAYLOAD_LIMIT_BYTES) {
        failed.push(message);
        continue;
      }
      if (batch.length === SQS_BATCH_LIMIT || batchBytes + bytes > SQS_PAYLOAD_LIMIT_BYTES) {
        batches.push(batch);
        batch = [];
        batchBytes = 0;
      }
      batch.push({ message, body });
      batchBytes += bytes;
    }
    if (batch.length > 0) batches.push(batch);

    for (const entries of batches) failed.push(...(await this.sendBatch(entries)));
    return { failed };
  }

  private async sendBatch(entries: readonly Entry[]): Promise<ArticleMessage[]> {
    try {
      const result = await this.props.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.props.queueUrl,
          Entries: entries.map((entry, index) => ({ Id: String(index), MessageBody: entry.body })),
        }),
      );
      return (result.Failed ?? []).flatMap((failure) => entries[Number(failure.Id)]?.message ?? []);
    } catch {
      // The whole call failed (throttled, network): the caller decides; these URLs stay unseen and come back next run.
      return entries.map((entry) => entry.message);
    }
  }
}
