/**
 * The entry points' configuration (functions/shared/config.ts): each reader takes what its function needs, with
 * defaults, and a missing or malformed variable stops it with a message that names the variable.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_USER_AGENT } from '../../functions/fetch/user-agent';
import { handlerEnvironment, readApiConfig, readFetcherConfig, readRedriveConfig, readWorkerConfig } from '../../functions/shared/config';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/articles';
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/articles-dlq';

describe('config', () => {
  it('reads each function its variables, with the defaults', () => {
    expect(readFetcherConfig({ TABLE_NAME: 't', QUEUE_URL: QUEUE })).toEqual({
      tableName: 't',
      queueUrl: QUEUE,
      allowPrivateAddresses: false,
      userAgent: DEFAULT_USER_AGENT,
    });
    expect(readWorkerConfig({ TABLE_NAME: 't', ALLOW_PRIVATE_ADDRESSES: '1', NEWSWEAVE_USER_AGENT: 'Acme/1.0 (+https://acme.example/bot)' })).toEqual({
      tableName: 't',
      allowPrivateAddresses: true,
      userAgent: 'Acme/1.0 (+https://acme.example/bot)',
    });
    expect(readRedriveConfig({ TABLE_NAME: 't', QUEUE_URL: QUEUE, DEAD_LETTER_QUEUE_URL: DLQ })).toEqual({
      tableName: 't',
      queueUrl: QUEUE,
      deadLetterQueueUrl: DLQ,
    });
    expect(readApiConfig({ TABLE_NAME: 't' })).toEqual({ tableName: 't' });
  });

  it.each([
    [() => readApiConfig({}), 'environment variable TABLE_NAME is required'],
    [() => readFetcherConfig({ TABLE_NAME: 't' }), 'environment variable QUEUE_URL is required'],
    [() => readRedriveConfig({ TABLE_NAME: 't', QUEUE_URL: QUEUE }), 'environment variable DEAD_LETTER_QUEUE_URL is required'],
    [() => readWorkerConfig({ TABLE_NAME: 't', ALLOW_PRIVATE_ADDRESSES: 'yes' }), 'ALLOW_PRIVATE_ADDRESSES must be true or false, not "yes"'],
    [() => readWorkerConfig({ TABLE_NAME: 't', NEWSWEAVE_USER_AGENT: 'Acme/1.0' }), 'environment variable NEWSWEAVE_USER_AGENT:'],
  ])('refuses a missing or malformed variable by name (%#)', (read, message) => {
    expect(read).toThrow(message);
  });

  it('gives a runtime that sets the variables itself what the readers take back', () => {
    const environment = handlerEnvironment({ tableName: 't', queueUrl: QUEUE, deadLetterQueueUrl: DLQ, allowPrivateAddresses: true });
    expect(readRedriveConfig(environment)).toEqual({ tableName: 't', queueUrl: QUEUE, deadLetterQueueUrl: DLQ });
    expect(readFetcherConfig(environment)).toMatchObject({ tableName: 't', queueUrl: QUEUE, allowPrivateAddresses: true });
  });
});
