/**
 * `npm run bench:api`: holds 200 concurrent connections against the local API for 30 s (autocannon) over a mix of
 * listing, article, related and sources requests, and prints p50, p99, requests per second and errors.
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
  let next = 0;
  const result = await autocannon({
    url: bench.baseUrl,
    connections,
    duration,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
  // autocannon returns when the duration ends, with answers still in flight: the local DynamoDB must outlive them.
  await new Promise((settle) => setTimeout(settle, 2000));
  const errors = result.errors + result.timeouts + result.non2xx;
  const figures = {
    connections,
    durationSeconds: duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors,
    paths: paths.length,
  };
  if (values.json) {
    console.log(JSON.stringify(figures));
  } else {
    console.log(`API load: ${connections} connections for ${duration} s over ${paths.length} paths`);
    console.log(`requests ${figures.requests}, ${figures.requestsPerSecond} req/s, p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms, errors ${errors}`);
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/api.json', JSON.stringify(figures, null, 2));
  if (errors > 0) process.exitCode = 1;
} finally {
  await bench.stop();
}
