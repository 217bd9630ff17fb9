/**
 * `npm run bench:bundles`: bundles each Lambda entry point with the CDK construct's own esbuild settings
 * (lib/newsweave-function.ts, BUNDLING: ESM, minified, node24, UTF-8, source map without sources' text), and prints
 * its size, the SDK clients and largest packages in it, and its load time in a fresh Node process: the local proxy
 * for cold-start init, measured bare and with `--enable-source-maps` as the functions run it.
 * Targets: bench/support/bundle-targets.ts (fetcher 1,000,000 bytes, worker 2,500,000, API 425,000); exits non-zero
 * when one is exceeded or a bundle carries an SDK client its function does not call.
 * Options: --loads N (fresh processes per bundle and mode, default 7), --json (print the figures as JSON only).
 * Writes `.bench/bundles.json`.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLING } from '../lib/newsweave-function';
import { BUNDLE_TARGETS } from './support/bundle-targets';

const ENTRIES = BUNDLE_TARGETS;
const { values } = parseArgs({ options: { loads: { type: 'string' }, json: { type: 'boolean' } } });
const LOADS = Number(values.loads ?? 7);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
};

const out = mkdtempSync(join(tmpdir(), 'newsweave-bundles-'));
const rows = [];
try {
  for (const { name, entry, limitBytes, clients } of ENTRIES) {
    const file = join(out, `${name}.mjs`);
    const result = await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      format: 'esm',
      platform: 'node',
      target: BUNDLING.target,
      mainFields: [...BUNDLING.mainFields],
      banner: { js: BUNDLING.banner },
      charset: 'utf8',
      external: [...BUNDLING.unreachableModules],
      metafile: true,
      logLevel: 'error',
    });
    const bytes = statSync(file).size;
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
    const byPackage = new Map<string, number>();
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
    const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([pkg, size]) => ({ package: pkg, kilobytes: Math.round(size / 1024) }));
    const sdkClients = [...new Set(Object.keys(output.inputs).flatMap((path) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(path)?.[1] ?? []))].sort();
    // Load time: a fresh process imports the bundle (module compile and init, SDK clients created) and reports it.
    const probe = join(out, `${name}-probe.mjs`);
    writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`);
    const load = (nodeOptions: string[]) =>
      median(
        Array.from({ length: LOADS }, () =>
          Number(
            execFileSync(process.execPath, [...nodeOptions, probe], {
              env: {
                PATH: process.env.PATH,
                TABLE_NAME: 'bench',
                QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
                AWS_REGION: 'us-east-1',
                POWERTOOLS_METRICS_DISABLED: 'true',
                AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
              },
            })
              .toString()
              .trim(),
          ),
        ),
      );
    rows.push({
      name,
      entry,
      bytes,
      kilobytes: Math.round(bytes / 1024),
      limitBytes,
      withinLimit: bytes <= limitBytes,
      sourceMapBytes: statSync(`${file}.map`).size,
      awsSdkClients: sdkClients,
      onlyClientsUsed: JSON.stringify(sdkClients) === JSON.stringify(clients),
      largestPackages: largest,
      loadMsMedian: load([]),
      loadMsMedianWithSourceMaps: load(['--enable-source-maps']),
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const figures = { loads: LOADS, node: process.version, bundles: rows };
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/bundles.json', `${JSON.stringify(figures, null, 2)}\n`);
if (values.json) {
  console.log(JSON.stringify(figures));
} else {
  console.log(`bundle   bytes       limit       load (median of ${LOADS} fresh processes)   SDK clients`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(8)} ${String(row.bytes).padEnd(11)} ${String(row.limitBytes).padEnd(11)} ` +
        `${`${row.loadMsMedian} ms, ${row.loadMsMedianWithSourceMaps} ms with source maps`.padEnd(38)} ${row.awsSdkClients.join(', ')}` +
        `${row.withinLimit ? '' : '  OVER LIMIT'}${row.onlyClientsUsed ? '' : '  UNEXPECTED SDK CLIENTS'}`,
    );
    console.log(`         largest: ${row.largestPackages.map((p) => `${p.package} ${p.kilobytes} KB`).join(', ')}`);
  }
}
if (rows.some((row) => !row.withinLimit || !row.onlyClientsUsed)) {
  console.error('bench:bundles: a bundle exceeds its size target or carries an SDK client its function does not use');
  process.exitCode = 1;
}
