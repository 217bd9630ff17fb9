import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ArticleMessage } from '../contracts/model';
import type { ArticleQueue, QueueSendResult } from '../ports';

const SQS_BATCH_LIMIT = 10;
/**
 * The most we put in one message, and in one SendMessageBatch call (SQS limits the sum of its messages, and refuses
 * the whole call beyond it). SQS takes up to 1 MiB since 2025, but a queue's MaximumMessageSize may still be the former
 * 256 KiB; our messages are a few KB (feed entries are bounded when parsed), so the lower bound costs nothing.
 */
export const SQS_PAYLOAD_LIMIT_BYTES = 256 * 1024;
/**
 * The characters of Unicode that SQS refuses in a message body (it takes #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and
 * #x10000-#x10FFFF) and that JSON.stringify leaves as they are: it escapes the C0 controls and lone surrogates, not the
 * two noncharacters. A feed can carry them in a title or summary (`&#xFFFF;`, `"\uffff"` in a JSON Feed).
 */
const REFUSED_BY_SQS = /[\uFFFE\uFFFF]/g;

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

  async sendArticles(messages: readonly ArticleMessage[]): Promise<QueueSendResult> {
    const failed: ArticleMessage[] = [];
    let cause: string | undefined;
    const batches: Entry[][] = [];
    let batch: Entry[] = [];
    let batchBytes = 0;
    for (const message of messages) {
      const body = messageBody(message);
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > SQS_PAYLOAD_LIMIT_BYTES) {
        failed.push(message);
        cause ??= `message of ${bytes} bytes, over ${SQS_PAYLOAD_LIMIT_BYTES}`;
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

    for (const entries of batches) {
      const result = await this.sendBatch(entries);
      failed.push(...result.failed);
      cause ??= result.cause;
    }
    return cause === undefined ? { failed } : { failed, cause };
  }

  private async sendBatch(entries: readonly Entry[]): Promise<QueueSendResult> {
    try {
      const result = await this.props.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.props.queueUrl,
          Entries: entries.map((entry, index) => ({ Id: String(index), MessageBody: entry.body })),
        }),
      );
      const refused = result.Failed ?? [];
      const failed = refused.flatMap((failure) => entries[Number(failure.Id)]?.message ?? []);
      const first = refused[0];
      return first ? { failed, cause: [first.Code, first.Message].filter(Boolean).join(': ') || 'refused' } : { failed };
    } catch (error) {
      // The whole call failed (denied, throttled, network): the caller decides; these URLs stay unseen and come back
      // next run.
      const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { failed: entries.map((entry) => entry.message), cause };
    }
  }
}

/**
 * The message as JSON that SQS takes: the noncharacters it refuses are written as JSON escapes, which they can only be
 * inside a string, and which JSON.parse reads back as the same characters.
 */
export function messageBody(message: ArticleMessage): string {
  return JSON.stringify(message).replace(REFUSED_BY_SQS, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}
