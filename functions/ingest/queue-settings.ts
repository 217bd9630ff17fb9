/**
 * Settings of the article queue and its worker, shared by the CDK stack (lib/ingestion.ts) and the local runtime's
 * poller, so that both deliver, retry and dead-letter the same way.
 */
export const QUEUE_SETTINGS = {
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Records per worker invocation (SQS allows up to 10 without a batching window). */
  batchSize: 10,
  /** Seconds the event source mapping may wait to fill a batch. */
  maxBatchingWindowSeconds: 5,
  /** A page waits at most 40 s for its host and then has 20 s of its own (PAGE_FETCH_LIMITS): ten fit in this. */
  workerTimeoutSeconds: 90,
  /** AWS advises at least six times the function timeout, so retries of throttled invocations stay invisible. */
  visibilityTimeoutSeconds: 540,
  /** Days a dead letter is kept (SQS maximum: 14). */
  deadLetterRetentionDays: 14,
} as const;
