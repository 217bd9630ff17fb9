/**
 * The redrive's use case against an in-memory dead-letter queue and seen-URL store, with a clock: cool-downs that
 * grow with each redrive, the cap after which a URL is given up and rejected, letters whose URL was processed
 * meanwhile, malformed letters, and an operator's forced redrive.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { QUEUED_MARK, REDRIVE_SETTINGS } from '../../functions/contracts/queue-settings';
import type { DeadLetter, DeadLetterQueue } from '../../functions/ports';
import { coolDownMs, POSTPONE_MS, redriveDeadLetters } from '../../functions/use-cases/redrive-dead-letters';
import { articleMessage } from '../support/events';
import { InMemorySeenUrlStore, RecordingTelemetry } from '../fetch/fakes';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T10:00:00Z');

class MemoryDeadLetterQueue implements DeadLetterQueue {
  letters: (DeadLetter & { visibleAt: number })[] = [];
  readonly sentBack: { body: string; redrives: number }[] = [];
  constructor(private readonly now: () => number) {}
  add(body: string, redrives: number, sentAt: number) {
    this.letters.push({ body, redrives, sentAt, receipt: `r${this.letters.length}-${Math.random()}`, visibleAt: 0 });
  }
  async receive(max: number) {
    const visible = this.letters.filter((letter) => letter.visibleAt <= this.now()).slice(0, max);
    for (const letter of visible) letter.visibleAt = this.now() + 60_000;
    return visible;
  }
  async redrive(letter: DeadLetter, redrives: number) {
    this.sentBack.push({ body: letter.body, redrives });
    await this.remove(letter);
  }
  async postpone(letter: DeadLetter, ms: number) {
    const held = this.letters.find((candidate) => candidate.receipt === letter.receipt);
    if (held) held.visibleAt = this.now() + ms;
  }
  async remove(letter: DeadLetter) {
    this.letters = this.letters.filter((candidate) => candidate.receipt !== letter.receipt);
  }
}

let clock: number;
let queue: MemoryDeadLetterQueue;
let seen: InMemorySeenUrlStore;
let telemetry: RecordingTelemetry;
const run = (options: { force?: boolean; maxLetters?: number } = {}) =>
  redriveDeadLetters({ deadLetters: queue, seen, telemetry, now: () => new Date(clock) }, options);
const body = (path: string) => JSON.stringify(articleMessage({ url: `https://news.example.com/${path}` }));

beforeEach(() => {
  clock = T0;
  queue = new MemoryDeadLetterQueue(() => clock);
  seen = new InMemorySeenUrlStore(() => clock);
  telemetry = new RecordingTelemetry();
});

describe('redriveDeadLetters', () => {
  it('cools down an hour, doubling with each redrive, up to 12 hours', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => coolDownMs(n) / HOUR)).toEqual([1, 2, 4, 8, 12, 12, 12]);
  });

  it('sends back a letter that has cooled down, with its count one higher, and leaves one that has not until it has', async () => {
    queue.add(body('cooled'), 0, T0 - 61 * 60_000);
    queue.add(body('fresh'), 2, T0 - 3 * HOUR);
    expect(await run()).toEqual({ redriven: 1, postponed: 1, alreadyDone: 0, givenUp: 0, malformed: 0, failed: 0, moreLeft: false });
    expect(queue.sentBack).toHaveLength(1);
    expect(queue.sentBack[0]?.redrives).toBe(1);
    expect(JSON.parse(queue.sentBack[0]!.body).url).toBe('https://news.example.com/cooled');
    // The second was sent 3 h ago and has been redriven twice: it is due after 4 h. It is hidden until the run is
    // over (the function's timeout), not for the hour: the next run sees it again.
    expect(queue.letters.map((letter) => letter.visibleAt - T0)).toEqual([POSTPONE_MS]);
    expect(telemetry.total('DeadLettersRedriven')).toBe(1);
    expect(await run()).toMatchObject({ redriven: 0, postponed: 0 });
    clock += REDRIVE_SETTINGS.everyMinutes * 60_000;
    expect(await run()).toMatchObject({ redriven: 0, postponed: 1 });
    clock = T0 + HOUR;
    expect(await run()).toMatchObject({ redriven: 1 });
    expect(queue.sentBack[1]).toMatchObject({ redrives: 3 });
  });

  it("reaches, when forced minutes after a scheduled run, the letters that run left for their cool-down", async () => {
    for (let n = 0; n < 5; n++) queue.add(body(`fresh-${n}`), 0, T0 - 10 * 60_000);
    expect(await run()).toMatchObject({ postponed: 5, redriven: 0 });
    clock += POSTPONE_MS;
    expect(await run({ force: true })).toMatchObject({ redriven: 5, moreLeft: false });
    expect(queue.letters).toEqual([]);
  });

  it(`gives up after ${REDRIVE_SETTINGS.maxRedrives} redrives: the URL is rejected as retries-exhausted, counted and removed`, async () => {
    queue.add(body('always-down'), REDRIVE_SETTINGS.maxRedrives, T0 - 24 * HOUR);
    expect(await run()).toMatchObject({ givenUp: 1, redriven: 0 });
    expect(seen.outcomes.get('https://news.example.com/always-down')).toEqual({ kind: 'rejected', reason: 'retries-exhausted' });
    expect(telemetry.total('PagesRejected', 'retries-exhausted')).toBe(1);
    expect(telemetry.total('DeadLettersGivenUp')).toBe(1);
    expect(telemetry.logs.find((log) => log.level === 'error')?.extra).toMatchObject({ url: 'https://news.example.com/always-down' });
    expect(queue.letters).toEqual([]);
  });

  it('removes a letter whose URL another message has processed meanwhile, counted as a duplicate', async () => {
    await seen.markSeen('https://news.example.com/done', { kind: 'stored', articleId: 'a' });
    queue.add(body('done'), 1, T0 - 10 * HOUR);
    expect(await run()).toMatchObject({ alreadyDone: 1, redriven: 0 });
    expect(telemetry.total('DuplicatesSkipped')).toBe(1);
    expect(queue.letters).toEqual([]);
  });

  it('sends back a letter whose URL is only marked queued: a mark is no outcome', async () => {
    const url = 'https://news.example.com/queued';
    await seen.markQueued(url, new Date(T0 + HOUR));
    queue.add(body('queued'), 0, T0 - 2 * HOUR);
    expect(await run()).toMatchObject({ redriven: 1, alreadyDone: 0 });
    expect(JSON.parse(queue.sentBack[0]!.body).url).toBe(url);
    expect(telemetry.total('DuplicatesSkipped')).toBe(0);
  });

  it("renews the mark of each letter's URL while it holds the letter, so that the feed does not queue it again meanwhile", async () => {
    queue.add(body('cooled'), 0, T0 - 2 * HOUR);
    queue.add(body('fresh'), 0, T0 - 10 * 60_000);
    expect(await run()).toMatchObject({ redriven: 1, postponed: 1 });
    // Sent back: a whole window, as the fetcher gives a message it sends; left to cool down: until the run after next.
    expect(seen.queued.get('https://news.example.com/cooled')).toBe(T0 + QUEUED_MARK.windowMs);
    expect(seen.queued.get('https://news.example.com/fresh')).toBe(T0 + QUEUED_MARK.redriveLookMs);
    clock += REDRIVE_SETTINGS.everyMinutes * 60_000;
    expect(await run()).toMatchObject({ postponed: 1 });
    expect(seen.queued.get('https://news.example.com/fresh')).toBe(clock + QUEUED_MARK.redriveLookMs);
    expect(await seen.filterUnqueued(['https://news.example.com/cooled', 'https://news.example.com/fresh'])).toEqual([]);
  });

  it('handles its letters all the same when their marks cannot be renewed, and logs and counts that', async () => {
    queue.add(body('cooled'), 0, T0 - 2 * HOUR);
    queue.add(body('fresh'), 0, T0 - 10 * 60_000);
    seen.markFailure = new Error('ProvisionedThroughputExceededException: throttled');
    expect(await run()).toMatchObject({ redriven: 1, postponed: 1, failed: 0 });
    expect(telemetry.total('QueuedMarkFailures')).toBe(2);
    expect(telemetry.logs.filter((log) => log.level === 'warn' && /mark/.test(log.message))).toHaveLength(2);
  });

  it('removes a malformed letter after logging its body', async () => {
    queue.add('{"v":1,"url":', 0, T0 - 10 * HOUR);
    expect(await run()).toMatchObject({ malformed: 1 });
    expect(telemetry.logs.find((log) => log.level === 'error')?.extra).toMatchObject({ body: '{"v":1,"url":' });
    expect(telemetry.total('DeadLettersGivenUp')).toBe(1);
    expect(queue.letters).toEqual([]);
  });

  it("sends everything back at an operator's request, whatever the cool-down and the count", async () => {
    queue.add(body('fresh'), 0, T0);
    queue.add(body('exhausted'), REDRIVE_SETTINGS.maxRedrives + 3, T0);
    expect(await run({ force: true })).toMatchObject({ redriven: 2, givenUp: 0 });
    expect(queue.sentBack.map((letter) => letter.redrives).sort()).toEqual([1, REDRIVE_SETTINGS.maxRedrives + 4]);
  });

  it('handles at most the letters allowed per run, and says more are left; the rest wait for the next run', async () => {
    for (let n = 0; n < 25; n++) queue.add(body(`page-${n}`), 0, T0 - 2 * HOUR);
    expect(await run({ maxLetters: 12 })).toMatchObject({ redriven: 12, moreLeft: true });
    expect(queue.letters).toHaveLength(13);
    expect(await run()).toMatchObject({ redriven: 13, moreLeft: false });
  });

  it('goes on past the letters not due to those that are: only the letters it acts on count against its limit', async () => {
    for (let n = 0; n < 40; n++) queue.add(body(`not-due-${n}`), 2, T0 - 10 * 60_000);
    for (let n = 0; n < 5; n++) queue.add(body(`due-${n}`), 0, T0 - 2 * HOUR);
    expect(await run({ maxLetters: 10 })).toMatchObject({ postponed: 40, redriven: 5, moreLeft: false });
  });

  it(`sends back, when forced, more than a scheduled run's ${REDRIVE_SETTINGS.maxLettersPerRun}: the whole queue`, async () => {
    const many = REDRIVE_SETTINGS.maxLettersPerRun + 55;
    for (let n = 0; n < many; n++) queue.add(body(`page-${n}`), 0, T0);
    expect(await run({ force: true })).toMatchObject({ redriven: many, moreLeft: false });
    expect(queue.letters).toEqual([]);
  });

  it("stops a forced run before the function's timeout, and says more are left", async () => {
    for (let n = 0; n < 150; n++) queue.add(body(`page-${n}`), 0, T0);
    // Each receive and its ten letters take 10 s: the run takes no more letters past half a minute before its timeout
    // (a receive at 0 s, 10 s, ... 90 s).
    const slow: DeadLetterQueue = {
      receive: async (max) => ((clock += 10_000), queue.receive(max)),
      postpone: (letter, ms) => queue.postpone(letter, ms),
      remove: (letter) => queue.remove(letter),
      redrive: (letter, redrives) => queue.redrive(letter, redrives),
    };
    const summary = await redriveDeadLetters({ deadLetters: slow, seen, telemetry, now: () => new Date(clock) }, { force: true });
    const receives = Math.floor((REDRIVE_SETTINGS.timeoutSeconds - 30) / 10) + 1;
    expect(summary).toMatchObject({ redriven: receives * 10, moreLeft: true });
    expect(queue.letters).toHaveLength(150 - receives * 10);
  });

  it('leaves a letter it could not handle in the queue for the next run', async () => {
    queue.add(body('flaky'), 0, T0 - 2 * HOUR);
    const failing: DeadLetterQueue = {
      receive: (max) => queue.receive(max),
      postpone: (letter, ms) => queue.postpone(letter, ms),
      remove: (letter) => queue.remove(letter),
      redrive: async () => Promise.reject(new Error('queue unavailable')),
    };
    expect(await redriveDeadLetters({ deadLetters: failing, seen, telemetry, now: () => new Date(clock) })).toMatchObject({ redriven: 0, failed: 1 });
    expect(queue.letters).toHaveLength(1);
    expect(telemetry.logs.some((log) => log.message === 'dead letter left for the next run')).toBe(true);
  });

  it('counts the letters it could not handle, so that the run can say so: a table that refuses fails every letter', async () => {
    queue.add(body('one'), 0, T0 - 2 * HOUR);
    queue.add(body('two'), 3, T0 - 30 * HOUR);
    const refusing = Object.assign(Object.create(seen) as InMemorySeenUrlStore, {
      filterUnseen: async () => Promise.reject(new Error('AccessDeniedException: not authorized to perform dynamodb:BatchGetItem')),
    });
    expect(await redriveDeadLetters({ deadLetters: queue, seen: refusing, telemetry, now: () => new Date(clock) })).toEqual({
      redriven: 0,
      postponed: 0,
      alreadyDone: 0,
      givenUp: 0,
      malformed: 0,
      failed: 2,
      moreLeft: false,
    });
    expect(queue.letters).toHaveLength(2);
    expect(telemetry.logs.find((log) => log.message === 'redrive done')).toMatchObject({ level: 'error', extra: { failed: 2 } });
  });
});
