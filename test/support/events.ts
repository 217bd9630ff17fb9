/** Event factories for the Lambda handlers, in the shapes AWS sends. */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { ArticleMessage } from '../../functions/contracts/model';

export function articleMessage(overrides: Partial<ArticleMessage> & { url: string }): ArticleMessage {
  return { v: 1, sourceId: 'harbor-times', sourceName: 'The Harbor Times', correlationId: randomUUID(), ...overrides };
}

export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:newsweave-articles',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(bodies: readonly (ArticleMessage | string)[]): SQSEvent {
  return { Records: bodies.map((body) => sqsRecord(typeof body === 'string' ? body : JSON.stringify(body))) };
}
