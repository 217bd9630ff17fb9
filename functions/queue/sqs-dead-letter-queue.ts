import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REDRIVE_SETTINGS } from '../contracts/queue-settings';
import type { DeadLetter, DeadLetterQueue } from '../ports';

/** The message attribute that counts a message's redrives; SQS keeps it when the message dead-letters again. */
export const REDRIVE_COUNT_ATTRIBUTE = 'redriveCount';
/**
 * Seconds a received letter stays hidden while the redrive handles it: the run's longest time, so that a letter whose
 * handling failed comes back to the next run, not to this one again.
 */
const HANDLING_SECONDS = REDRIVE_SETTINGS.timeoutSeconds;

export interface SqsDeadLetterQueueProps {
  readonly client: SQSClient;
  readonly deadLetterQueueUrl: string;
  /** Where letters go back to. */
  readonly queueUrl: string;
}

/**
 * The dead-letter queue over SQS: receive, send back, delete. StartMessageMoveTask would move everything at once,
 * with neither a cool-down per message nor a count of its redrives, which is what keeps a failing page from cycling
 * for ever; a send followed by a delete does both (a send whose delete fails leaves a copy, which the idempotent
 * worker handles as a duplicate).
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly props: SqsDeadLetterQueueProps) {}

  async receive(max: number): Promise<DeadLetter[]> {
    const { Messages: messages = [] } = await this.props.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.props.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(Math.max(max, 1), 10),
        // A short wait: an empty answer to short polling can hide messages that are there.
        WaitTimeSeconds: 1,
        VisibilityTimeout: HANDLING_SECONDS,
        // The legacy name is the one local-aws-sqs answers with the system attributes.
        AttributeNames: ['All'],
        MessageAttributeNames: [REDRIVE_COUNT_ATTRIBUTE],
      }),
    );
    return messages.map((message) => {
      const count = Number(message.MessageAttributes?.[REDRIVE_COUNT_ATTRIBUTE]?.StringValue ?? 0);
      return {
        body: message.Body ?? '',
        redrives: Number.isInteger(count) && count >= 0 ? count : 0,
        sentAt: Number(message.Attributes?.SentTimestamp ?? 0),
        receipt: message.ReceiptHandle ?? '',
      };
    });
  }

  async redrive(letter: DeadLetter, redrives: number): Promise<void> {
    await this.props.client.send(
      new SendMessageCommand({
        QueueUrl: this.props.queueUrl,
        MessageBody: letter.body,
        MessageAttributes: { [REDRIVE_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(redrives) } },
      }),
    );
    await this.remove(letter);
  }

  async postpone(letter: DeadLetter, ms: number): Promise<void> {
    await this.props.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.props.deadLetterQueueUrl,
        ReceiptHandle: letter.receipt,
        VisibilityTimeout: Math.min(Math.ceil(ms / 1000), 12 * 3600),
      }),
    );
  }

  async remove(letter: DeadLetter): Promise<void> {
    await this.props.client.send(new DeleteMessageCommand({ QueueUrl: this.props.deadLetterQueueUrl, ReceiptHandle: letter.receipt }));
  }
}
