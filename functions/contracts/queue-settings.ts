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

/**
 * The fetcher's invocation, shared by the CDK stack and the local runtime's scheduler. It starts no source in its last
 * 90 s (functions/fetch-sources.ts, START_RESERVE_MS: a started feed may wait 60 s for its host's slot and then take
 * 30 s), so that a run ends, and reports the sources it did not reach, before Lambda stops it: 180 s leave 90 s to
 * start sources, some 300 feeds at 4 at a time at a second each, more than an EventBridge target's input holds.
 */
export const FETCHER_SETTINGS = {
  timeoutSeconds: 180,
} as const;

/**
 * The dead-letter redrive (functions/use-cases/redrive-dead-letters.ts), shared by the CDK stack's schedule and the
 * local runtime. A dead letter is sent back to the article queue once it has cooled down: an hour after it was
 * last sent, doubling with each redrive up to 12 hours, at most 6 times; so a page whose site is down for a day
 * and a half is still ingested when the site recovers, and one that fails for longer is given up and recorded.
 */
export const REDRIVE_SETTINGS = {
  /** How often the redrive runs. */
  everyMinutes: 15,
  coolDownBaseMinutes: 60,
  coolDownCapMinutes: 12 * 60,
  /** Redrives of one message; the next time it dead-letters it is given up (rejected as `retries-exhausted`). */
  maxRedrives: 6,
  /** Letters a scheduled run acts on (sends back, removes, gives up); the rest wait for the next. Letters not due do not count. */
  maxLettersPerRun: 300,
  /** Seconds the redrive function may run. */
  timeoutSeconds: 120,
} as const;

/** Until the run after next of the redrive is done with a dead letter: one missed run is allowed for. */
const REDRIVE_LOOK_MS = (2 * REDRIVE_SETTINGS.everyMinutes * 60 + REDRIVE_SETTINGS.timeoutSeconds) * 1000;

/**
 * The "queued" mark on a URL (docs/fetching.md, "Queued URLs"): while it lasts, the refreshes of the URL's feeds do
 * not queue it again, since its message may still be on its way. It is written where a message is known to stay on
 * its way: by the worker when it leaves a message to SQS to deliver again, and by the redrive for the dead letters it
 * holds and sends back; a message that succeeds at once (nearly all of them) costs no mark. The spans follow from the
 * settings above. A message is received at most maxReceiveCount times, each receive hiding it for the visibility
 * timeout (the worker's own waits, for a host's slot and for the page, fit in its timeout, which fits in that), so
 * within maxReceiveCount x visibility timeout of its first receive its URL has an outcome or the message is in the
 * dead-letter queue; there every run of the redrive looks at it and renews the mark, and one it sends back gets a
 * whole window again. A 403 settles the message too: the URL's deferral replaces the mark, and its own delay says
 * when the URL is queued again. A message lost on the way (a purged queue, its retention run out) leaves its URL to
 * be queued again at most one span after its last mark.
 */
export const QUEUED_MARK = {
  /** When the redrive sends a letter back: its receives, the batching window before the first, the redrive's look. 77 min. */
  windowMs: (QUEUE_SETTINGS.maxReceiveCount * QUEUE_SETTINGS.visibilityTimeoutSeconds + QUEUE_SETTINGS.maxBatchingWindowSeconds) * 1000 + REDRIVE_LOOK_MS,
  /** At each look of the redrive at a dead letter it keeps: 32 min. */
  redriveLookMs: REDRIVE_LOOK_MS,
  /**
   * When the worker leaves a message to SQS at its `receiveCount`-th receive: what is left of this receive's
   * visibility timeout, the receives left, and the redrive's look. 77 min after the first receive, 41 after the last.
   */
  afterFailedReceiveMs: (receiveCount: number): number =>
    (Math.max(QUEUE_SETTINGS.maxReceiveCount - receiveCount, 0) + 1) * QUEUE_SETTINGS.visibilityTimeoutSeconds * 1000 + REDRIVE_LOOK_MS,
} as const;
