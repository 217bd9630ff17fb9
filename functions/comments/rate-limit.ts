/**
 * How fast one user may post: fixed windows, each counted in DynamoDB (functions/store/dynamo-comments.ts), so that
 * every API instance shares them. A window's key carries its start, so an old window is simply never read again:
 * TTL deletion is storage hygiene, not what ends a window.
 *
 * Fixed windows let a user post 5 at the end of one minute and 5 at the start of the next; the daily window bounds
 * what that can add up to.
 */

export interface RateWindow {
  readonly name: 'minute' | 'day';
  readonly seconds: number;
  readonly max: number;
}

/** Checked in this order: a post refused by the minute leaves the day's count alone; a refusal names the longest full window. */
export const COMMENT_RATE_LIMITS: readonly RateWindow[] = [
  { name: 'minute', seconds: 60, max: 5 },
  { name: 'day', seconds: 86_400, max: 100 },
];

export interface RateSlot {
  readonly window: RateWindow;
  /** `minute#2026-11-20T10:01:00.000Z`: the window and its start, in UTC. */
  readonly key: string;
  readonly endsAt: Date;
}

export function currentSlots(now: Date, windows: readonly RateWindow[] = COMMENT_RATE_LIMITS): RateSlot[] {
  return windows.map((window) => {
    const length = window.seconds * 1000;
    const start = Math.floor(now.getTime() / length) * length;
    return { window, key: `${window.name}#${new Date(start).toISOString()}`, endsAt: new Date(start + length) };
  });
}

/** Whole seconds until the window ends, at least 1: the value of `Retry-After`. */
export function retryAfterSeconds(slot: RateSlot, now: Date): number {
  return Math.max(1, Math.ceil((slot.endsAt.getTime() - now.getTime()) / 1000));
}
