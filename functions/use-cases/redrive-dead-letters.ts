/**
 * Bring dead letters back: the redrive's use case, run on a schedule (functions/redrive-dead-letters.ts) and by an
 * operator (the local stack's ops page, `npm run redrive`). Only transient failures reach the dead-letter queue
 * (functions/fetch/classify-failure.ts), so a dead letter is a page whose site, or our own store, was down for the
 * five deliveries of its message; once it has cooled down it is sent back to the article queue, up to
 * REDRIVE_SETTINGS.maxRedrives times with a growing cool-down, and after that it is given up and recorded.
 *
 * Each letter ends one way, and every way is counted and logged:
 * - already done: another message of the same URL (the feed queues an unprocessed URL again) has an outcome by now;
 * - postponed: not cooled down yet; it is hidden until this run is over (it comes back to every run until it has
 *   cooled down, so that an operator's forced redrive, minutes after a scheduled run, reaches it too);
 * - redriven: back on the article queue, its redrive count one higher;
 * - given up: its redrives are used up; the URL is rejected as `retries-exhausted` (seven days, like every rejection),
 *   so it is accounted for and not queued again meanwhile;
 * - malformed: not an ArticleMessage at all; its body is logged (its first MAX_LOGGED_BODY_CHARS) and it is removed;
 * - failed: its handling failed (our table or a queue refused); it stays in the dead-letter queue for the next run.
 *
 * A letter's message is still on its way: each run that leaves it to cool down renews its URL's queued mark, and one
 * sent back gets a whole window (QUEUED_MARK), so that the URL's feed does not queue it again meanwhile. A mark is no
 * outcome: a letter whose URL is only marked is not done.
 */
import { QUEUED_MARK, REDRIVE_SETTINGS } from '../contracts/queue-settings';
import { parseArticleMessage } from '../contracts/article-message';
import type { ArticleMessage } from '../contracts/model';
import type { DeadLetter, DeadLetterQueue, SeenUrlStore } from '../ports';
import { messageOf } from '../shared/error-text';
import type { Telemetry } from '../shared/telemetry';

export interface RedriveDeps {
  readonly deadLetters: DeadLetterQueue;
  readonly seen: SeenUrlStore;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

export interface RedriveOptions {
  /**
   * An operator's redrive, after fixing a cause: every letter goes back now, whatever its cool-down and count.
   * @default false
   */
  readonly force?: boolean;
  /** Letters acted on (not those left for their cool-down). @default REDRIVE_SETTINGS.maxLettersPerRun; forced, as many as the run's time allows */
  readonly maxLetters?: number;
}

export interface RedriveSummary {
  readonly redriven: number;
  readonly postponed: number;
  readonly alreadyDone: number;
  readonly givenUp: number;
  readonly malformed: number;
  /**
   * Letters whose handling failed (the table or a queue refused: permissions, throttling, an outage); each stays in
   * the dead-letter queue and comes back to the next run. The entry point fails the invocation when this is above 0,
   * so that the RedriveFailing alarm sees it.
   */
  readonly failed: number;
  /**
   * The run stopped before the dead-letter queue ran dry (its letter limit, or its time): there may be letters it did
   * not look at (when the limit was reached with the last letter, there may also be none). The next scheduled run
   * goes on; an operator may run it again.
   */
  readonly moreLeft: boolean;
}

/**
 * How long a letter that is not due is hidden: until the run that saw it is over (a run lasts at most the function's
 * timeout), so that one run never looks at a letter twice, and the next run, scheduled or forced, sees it again.
 * Hiding it for its whole cool-down would put it out of a forced redrive's reach for up to 12 hours.
 */
export const POSTPONE_MS = REDRIVE_SETTINGS.timeoutSeconds * 1000;
/** A run stops taking letters this long before the function's timeout, to finish those it has. */
const RUN_MARGIN_MS = 30_000;
const SQS_RECEIVE_LIMIT = 10;
const MAX_LOGGED_BODY_CHARS = 4_000;

/** Cool-down before the (redrives + 1)-th redrive, counted from when the message was last sent. */
export function coolDownMs(redrives: number): number {
  const minutes = Math.min(REDRIVE_SETTINGS.coolDownCapMinutes, REDRIVE_SETTINGS.coolDownBaseMinutes * 2 ** Math.min(Math.max(redrives, 0), 30));
  return minutes * 60_000;
}

export async function redriveDeadLetters(deps: RedriveDeps, options: RedriveOptions = {}): Promise<RedriveSummary> {
  const { telemetry } = deps;
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const maxLetters = options.maxLetters ?? (options.force ? Number.POSITIVE_INFINITY : REDRIVE_SETTINGS.maxLettersPerRun);
  const summary = { redriven: 0, postponed: 0, alreadyDone: 0, givenUp: 0, malformed: 0, failed: 0, moreLeft: false };
  const outOfTime = () => now().getTime() - started > REDRIVE_SETTINGS.timeoutSeconds * 1000 - RUN_MARGIN_MS;

  const handle = async (letter: DeadLetter): Promise<void> => {
    let message: ArticleMessage;
    try {
      message = parseArticleMessage(letter.body);
    } catch (error) {
      summary.malformed += 1;
      // No dimension: an alarm watches this count, and CloudWatch alarms cannot sum over dimension values.
      telemetry.count('DeadLettersGivenUp');
      telemetry.log.error('malformed dead letter removed; its body follows', {
        error: (error as Error).message,
        body: letter.body.slice(0, MAX_LOGGED_BODY_CHARS),
      });
      await deps.deadLetters.remove(letter);
      return;
    }
    const keys = { url: message.url, sourceId: message.sourceId, correlationId: message.correlationId, redrives: letter.redrives };

    const [unseen] = await deps.seen.filterUnseen([message.url]);
    if (unseen === undefined) {
      summary.alreadyDone += 1;
      // Counted as the worker counts a delivery of a URL already processed, so that every queued URL has one count.
      telemetry.count('DuplicatesSkipped');
      telemetry.log.info('dead letter already processed through another message; removed', keys);
      await deps.deadLetters.remove(letter);
      return;
    }
    if (!options.force && letter.redrives >= REDRIVE_SETTINGS.maxRedrives) {
      summary.givenUp += 1;
      await deps.seen.markSeen(message.url, { kind: 'rejected', reason: 'retries-exhausted' });
      telemetry.count('DeadLettersGivenUp');
      telemetry.count('PagesRejected', 1, { name: 'reason', value: 'retries-exhausted' });
      telemetry.log.error('dead letter given up after every redrive; the URL is rejected as retries-exhausted', keys);
      await deps.deadLetters.remove(letter);
      return;
    }
    const waitMs = letter.sentAt + coolDownMs(letter.redrives) - now().getTime();
    if (!options.force && waitMs > 0) {
      summary.postponed += 1;
      await deps.deadLetters.postpone(letter, Math.min(waitMs, POSTPONE_MS));
      await markQueued(message.url, QUEUED_MARK.redriveLookMs, keys);
      return;
    }
    await deps.deadLetters.redrive(letter, letter.redrives + 1);
    summary.redriven += 1;
    telemetry.count('DeadLettersRedriven');
    telemetry.log.info('dead letter sent back to the article queue', { ...keys, redrives: letter.redrives + 1 });
    await markQueued(message.url, QUEUED_MARK.windowMs, keys);
  };

  /**
   * Renews the URL's queued mark while the letter is held here, and gives one sent back a whole window, so that the
   * feed's refreshes do not queue the URL again meanwhile. A mark that cannot be written costs at most a second
   * message of the URL, never the letter: its handling goes on.
   */
  const markQueued = async (url: string, forMs: number, keys: Record<string, unknown>): Promise<void> => {
    await deps.seen.markQueued(url, new Date(now().getTime() + forMs)).catch((error: unknown) => {
      telemetry.count('QueuedMarkFailures');
      telemetry.log.warn("dead letter's URL could not be marked queued; its feed may queue it again meanwhile", { ...keys, error: messageOf(error) });
    });
  };

  // The letter limit counts the letters a run acts on, not those it leaves for their cool-down: those stay hidden
  // until the run is over, so the run goes on through the queue past them to the letters that are due.
  const acted = () => summary.redriven + summary.alreadyDone + summary.givenUp + summary.malformed + summary.failed;
  for (;;) {
    if (acted() >= maxLetters || outOfTime()) {
      summary.moreLeft = true;
      break;
    }
    const letters = await deps.deadLetters.receive(Math.min(SQS_RECEIVE_LIMIT, maxLetters - acted()));
    if (letters.length === 0) break;
    const results = await Promise.allSettled(letters.map(handle));
    // A letter whose handling failed stays in the queue and becomes visible again: the next run takes it.
    for (const result of results) {
      if (result.status !== 'rejected') continue;
      summary.failed += 1;
      telemetry.log.error('dead letter left for the next run', { error: result.reason as Error });
    }
  }
  telemetry.log[summary.failed > 0 ? 'error' : 'info']('redrive done', { ...summary, force: options.force === true });
  return summary;
}
