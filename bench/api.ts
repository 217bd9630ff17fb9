/**
 * `npm run bench:api`: holds 200 concurrent connections against the local API for 30 s (autocannon) over a mix of
 * listing, article, related and sources requests, and prints p50, p99, requests per second and errors; then does the
 * same with each request's If-None-Match set to the path's current ETag, as revalidating caches send it (every
 * answer a 304 without a body).
 * Options: --connections N (default 200), --duration S (default 30), --json (print the figures as JSON only).
 * Writes `.bench/api.json`.
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startBenchStack, waitUntilDrained } from './support/local-stack';

const { values } = parseArgs({ options: { connections: { type: 'string' }, duration: { type: 'string' }, json: { type: 'boolean' } } });
const connections = Number(values.connections ?? 200);
const duration = Number(values.duration ?? 30);

const bench = await startBenchStack();
try {
  await waitUntilDrained(bench.baseUrl, 1, { stallMs: 60_000, totalMs: 120_000 });
  const list = (await (await fetch(`${bench.baseUrl}/articles?limit=100`)).json()) as { items: { id: string }[] };
  const ids = list.items.map((item) => item.id);
  const paths = [
    '/articles',
    '/articles?limit=50',
    '/sources',
    ...ids.map((id) => `/articles/${id}`),
    ...ids.map((id) => `/articles/${id}/related`),
  ];
  // Each path's ETag, as a browser or CloudFront revalidating its copy would send it back in If-None-Match.
  const etags = new Map<string, string>();
  for (const path of new Set(paths)) {
    const etag = (await fetch(`${bench.baseUrl}${path}`)).headers.get('etag');
    if (!etag) throw new Error(`no ETag on ${path}`);
    etags.set(path, etag);
  }

  /** One load run over the paths, plain (every answer a 200 with its body) or conditional (every answer a 304). */
  async function load(conditional: boolean) {
    let next = 0;
    const result = await autocannon({
      url: bench.baseUrl,
      connections,
      duration,
      requests: [
        {
          setupRequest: (request) => {
            const path = paths[next++ % paths.length]!;
            return { ...request, path, headers: conditional ? { ...request.headers, 'if-none-match': etags.get(path)! } : request.headers };
          },
        },
      ],
    });
    // autocannon returns when the duration ends, with answers still in flight: the local DynamoDB must outlive them.
    await new Promise((settle) => setTimeout(settle, 2000));
    const expected = conditional ? result['3xx'] : result['2xx'];
    return {
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
      // A plain run expects 200s only, a conditional one 304s only: anything else is an error.
      errors: result.errors + result.timeouts + (result.requests.total - expected),
    };
  }

  const plain = await load(false);
  const conditional = await load(true);
  const errors = plain.errors + conditional.errors;
  const figures = { connections, durationSeconds: duration, paths: paths.length, ...plain, conditional };
  if (values.json) {
    console.log(JSON.stringify(figures));
  } else {
    console.log(`API load: ${connections} connections for ${duration} s over ${paths.length} paths, then the same with If-None-Match`);
    for (const [name, run] of [['plain', plain], ['conditional (304)', conditional]] as const) {
      console.log(
        `${name}: requests ${run.requests}, ${run.requestsPerSecond} req/s, p50 ${run.latencyP50Ms} ms, p99 ${run.latencyP99Ms} ms, ${run.bytesPerResponse} bytes per response, errors ${run.errors}`,
      );
    }
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/api.json', JSON.stringify(figures, null, 2));
  if (errors > 0) process.exitCode = 1;
} finally {
  await bench.stop();
}
