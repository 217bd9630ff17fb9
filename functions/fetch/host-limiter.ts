/** At most `limit` tasks at once per host, the rest wait in order: politeness towards each publisher's server. */
export class HostLimiter {
  private readonly hosts = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`per-host limit must be a positive integer, not ${limit}`);
  }

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    let slot = this.hosts.get(host);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.hosts.set(host, slot);
    }
    if (slot.active >= this.limit) {
      const queue = slot.waiting;
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      slot.active += 1;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = slot.waiting.shift();
      if (next) {
        next();
      } else {
        slot.active -= 1;
        if (slot.active === 0) this.hosts.delete(host);
      }
    }
  }
}
