/**
 * Politeness towards each publisher's server: at most `limit` tasks at once per host (the rest wait in order), and,
 * when the host asks for it (robots.txt `Crawl-delay`), a minimum interval between the starts of its tasks.
 */
import { sleep } from '../shared/concurrency';

export interface SlotOptions {
  /** Least time between the starts of two tasks on this host. @default 0 */
  readonly minIntervalMs?: number;
  /**
   * Longest wait for a slot and for the interval, after which the task is not run and HostBusyError is thrown: a
   * caller with a deadline of its own (a Lambda invocation) gives the task back rather than overrun it.
   * @default no limit
   */
  readonly maxWaitMs?: number;
}

export class HostBusyError extends Error {
  override readonly name = 'HostBusyError';
  constructor(
    readonly host: string,
    readonly waitedMs: number,
  ) {
    super(`no slot for ${host} within ${waitedMs} ms`);
  }
}

interface Waiter {
  readonly grant: () => void;
  timer?: NodeJS.Timeout;
}

interface HostSlots {
  active: number;
  readonly waiting: Waiter[];
}

/** Hosts whose next start is remembered: one number each, pruned of past times beyond this many. */
const MAX_REMEMBERED_HOSTS = 1_000;

export class HostLimiter {
  private readonly hosts = new Map<string, HostSlots>();
  /** Earliest start of the next task per host, kept after its slots are released: the interval outlives them. */
  private readonly nextStartAt = new Map<string, number>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`per-host limit must be a positive integer, not ${limit}`);
  }

  /** @throws HostBusyError when `maxWaitMs` passes before the task may start */
  async run<T>(host: string, task: () => Promise<T>, options: SlotOptions = {}): Promise<T> {
    const requested = Date.now();
    const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    let slot = this.hosts.get(host);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.hosts.set(host, slot);
    }
    if (slot.active >= this.limit) await this.queue(host, slot, maxWaitMs);
    else slot.active += 1;
    try {
      await this.spaceStart(host, options.minIntervalMs ?? 0, maxWaitMs - (Date.now() - requested), requested);
      return await task();
    } finally {
      this.release(host, slot);
    }
  }

  private queue(host: string, slot: HostSlots, maxWaitMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
      };
      if (Number.isFinite(maxWaitMs)) {
        waiter.timer = setTimeout(() => {
          slot.waiting.splice(slot.waiting.indexOf(waiter), 1);
          reject(new HostBusyError(host, maxWaitMs));
        }, Math.max(0, maxWaitMs));
      }
      slot.waiting.push(waiter);
    });
  }

  /** Reserves the task's start time before waiting for it, so that two holders of slots never share one. */
  private async spaceStart(host: string, intervalMs: number, waitLeftMs: number, requested: number): Promise<void> {
    if (intervalMs <= 0) return;
    const now = Date.now();
    const startAt = Math.max(now, this.nextStartAt.get(host) ?? 0);
    if (startAt - now > waitLeftMs) throw new HostBusyError(host, now - requested + waitLeftMs);
    this.nextStartAt.set(host, startAt + intervalMs);
    if (this.nextStartAt.size > MAX_REMEMBERED_HOSTS) {
      for (const [name, time] of this.nextStartAt) if (time < now) this.nextStartAt.delete(name);
    }
    if (startAt > now) await sleep(startAt - now);
  }

  private release(host: string, slot: HostSlots): void {
    // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
    const next = slot.waiting.shift();
    if (next) {
      next.grant();
    } else {
      slot.active -= 1;
      if (slot.active === 0) this.hosts.delete(host);
    }
  }
}
