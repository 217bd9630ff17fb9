/** Runs the local stack in this process for a benchmark, on a free port and a fresh data dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUEUE_SETTINGS } from '../../functions/contracts/queue-settings';
import { startLocalStack, type LocalStack } from '../../local/runtime';
import { freePort } from '../../test/support/local-stack-process';

export interface BenchStack {
  readonly stack: LocalStack;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export async function startBenchStack(sources?: readonly object[]): Promise<BenchStack> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dir = mkdtempSync(join(tmpdir(), 'newsweave-bench-'));
  let sourcesPath: string | undefined;
  if (sources) {
    sourcesPath = join(dir, 'sources.json');
    writeFileSync(sourcesPath, JSON.stringify(sources));
  }
  const port = await freePort();
  const stack = await startLocalStack({ port, sourcesPath, dataDir: join(dir, 'data'), print: () => undefined });
  return {
    stack,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OpsTotals {
  totals: Record<string, number>;
  byDimension: Record<string, Record<string, number>>;
  queue: { visible: number; inFlight: number; deadLetters: number };
}

export async function opsSnapshot(baseUrl: string): Promise<OpsTotals> {
  return (await (await fetch(`${baseUrl}/ops/metrics.json`)).json()) as OpsTotals;
}

/** How long a failed record of the local queue waits for its redelivery, and a minute to process it. */
const REDELIVERY_MS = (QUEUE_SETTINGS.visibilityTimeoutSeconds + 60) * 1000;

export interface DrainLimits {
  /**
   * Gives up when nothing new is queued or accounted for during this long; while messages are in flight, during at
   * least the queue's visibility timeout and a minute (a failed record waits that long for its redelivery).
   */
  readonly stallMs: number;
  /** Gives up after this long in any case. */
  readonly totalMs: number;
  /** Called about every 30 s with the counts so far. */
  readonly report?: (line: string) => void;
}

/**
 * Waits, bounded, until every queued URL is accounted for and the queue is empty. Bounded twice: by a stall (no URL
 * queued or accounted for during `stallMs`, which is what a lost message or a wedged worker looks like) and by a
 * total that the caller scales with the work, so that a slow machine finishes a large soak instead of failing it.
 */
export async function waitUntilDrained(baseUrl: string, expectQueued: number, limits: DrainLimits): Promise<OpsTotals> {
  const started = Date.now();
  let progressAt = started;
  let lastProgress = -1;
  let reportedAt = started;
  for (;;) {
    const ops = await opsSnapshot(baseUrl);
    const t = ops.totals;
    const queued = t.UrlsQueued ?? 0;
    const accounted = (t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0);
    if (queued >= expectQueued && accounted >= queued && ops.queue.visible + ops.queue.inFlight === 0) return ops;
    const now = Date.now();
    if (queued + accounted !== lastProgress) {
      lastProgress = queued + accounted;
      progressAt = now;
    }
    if (limits.report && now - reportedAt >= 30_000) {
      reportedAt = now;
      limits.report(`${Math.round((now - started) / 1000)} s: queued ${queued}, accounted for ${accounted}`);
    }
    const state = `${JSON.stringify(ops.totals)} queue ${JSON.stringify(ops.queue)}`;
    const stallMs = ops.queue.inFlight > 0 ? Math.max(limits.stallMs, REDELIVERY_MS) : limits.stallMs;
    if (now - progressAt > stallMs) throw new Error(`no progress for ${stallMs / 1000} s: ${state}`);
    if (now - started > limits.totalMs) throw new Error(`not drained in ${limits.totalMs / 1000} s: ${state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
