/** Runs the local stack in this process for a benchmark, on a free port and a fresh data dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Waits, bounded, until every queued URL is accounted for and the queue is empty. */
export async function waitUntilDrained(baseUrl: string, expectQueued: number, timeoutMs: number): Promise<OpsTotals> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ops = await opsSnapshot(baseUrl);
    const t = ops.totals;
    const accounted = (t.ArticlesStored ?? 0) + (t.DuplicatesSkipped ?? 0) + (t.PagesRejected ?? 0);
    if ((t.UrlsQueued ?? 0) >= expectQueued && accounted >= (t.UrlsQueued ?? 0) && ops.queue.visible + ops.queue.inFlight === 0) {
      return ops;
    }
    if (Date.now() > deadline) throw new Error(`not drained in time: ${JSON.stringify(ops.totals)} queue ${JSON.stringify(ops.queue)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
