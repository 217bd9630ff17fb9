/**
 * Lambda's SQS event source mapping, on one machine: receive batches, hand them to the worker handler as an SQSEvent,
 * delete the records that succeeded, and leave the reported failures to come back after their visibility timeout
 * (the local SQS server moves them to the DLQ after maxReceiveCount, as SQS does).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sleep } from '../functions/shared/concurrency';

export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: WorkerHandler;
  readonly createContext: () => Context;
  readonly batchSize: number;
  /** Batches handled at once, like the mapping's maximum concurrency. */
  readonly concurrency?: number;
  readonly onError?: (error: unknown) => void;
  readonly onBatch?: (summary: { received: number; failed: number }) => void;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  let running = true;
  const loops = Array.from({ length: options.concurrency ?? 2 }, () => pollLoop());

  async function pollLoop(): Promise<void> {
    while (running) {
      try {
        const received = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            // The legacy name is the one local-aws-sqs answers with the receive count.
            AttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0 || !running) continue;
        await handleBatch(messages);
      } catch (error) {
        if (!running) return;
        options.onError?.(error);
        await sleep(500);
      }
    }
  }

  async function handleBatch(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
    let failedIds: Set<string>;
    try {
      const response = await options.handler(event, options.createContext());
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A handler that throws fails the whole batch, as in Lambda.
      options.onError?.(error);
      failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    if (succeeded.length > 0) {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: succeeded.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    options.onBatch?.({ received: messages.length, failed: failedIds.size });
  }

  return {
    async stop() {
      running = false;
      // Within the stack's 5-second stop: a batch still running after 2 s is cut short and redelivered (at least once).
      let cutShort: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(loops), new Promise((resolve) => (cutShort = setTimeout(resolve, 2_000)))]);
      // A prompt stop leaves no timer running, which would hold the process (a script, a test worker) open for 2 s.
      clearTimeout(cutShort);
    },
  };
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}
