/**
 * `npm run bench:bundles`: bundles each Lambda entry point as the CDK does (esbuild, ESM, minified, node22), and
 * prints its size and its load time in a fresh Node process: the local proxy for cold-start init.
 * Targets: worker <= 1 MB, API <= 400 KB.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRIES = [
  { name: 'fetcher', entry: 'functions/fetch-sources.ts', limitBytes: 1_000_000 },
  { name: 'worker', entry: 'functions/process-articles.ts', limitBytes: 1_000_000 },
  { name: 'api', entry: 'functions/http-api.ts', limitBytes: 400_000 },
];
const LOADS = 5;

const out = mkdtempSync(join(tmpdir(), 'newsweave-bundles-'));
const rows = [];
try {
  for (const { name, entry, limitBytes } of ENTRIES) {
    const file = join(out, `${name}.mjs`);
    const result = await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      metafile: true,
      logLevel: 'error',
    });
    const bytes = statSync(file).size;
    const sdkBytes = Object.entries(result.metafile.inputs)
      .filter(([path]) => path.includes('node_modules/@aws-sdk/') || path.includes('node_modules/@smithy/'))
      .reduce((sum, [, input]) => sum + input.bytes, 0);
    const clients = [...new Set(Object.keys(result.metafile.inputs).flatMap((path) => /@aws-sdk\/(client-[a-z0-9-]+)/.exec(path)?.[1] ?? []))];
    // Load time: a fresh process imports the bundle (module init, SDK clients created) and reports the time.
    const probe = join(out, `${name}-probe.mjs`);
    writeFileSync(
      probe,
      `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
    );
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const ms = execFileSync(process.execPath, [probe], {
        env: {
          PATH: process.env.PATH,
          TABLE_NAME: 'bench',
          QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
          AWS_REGION: 'us-east-1',
          POWERTOOLS_METRICS_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      }).toString();
      loads.push(Number(ms.trim()));
    }
    loads.sort((a, b) => a - b);
    rows.push({
      name,
      entry,
      bytes,
      kilobytes: Math.round(bytes / 1024),
      limitKilobytes: Math.round(limitBytes / 1024),
      withinLimit: bytes <= limitBytes,
      awsSdkInputKilobytes: Math.round(sdkBytes / 1024),
      awsSdkClients: clients,
      loadMsMedian: Math.round(loads[Math.floor(LOADS / 2)]! * 10) / 10,
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log('bundle        size      limit     load (median of 5, fresh node)   SDK clients');
for (const row of rows) {
  console.log(
    `${row.name.padEnd(12)}  ${`${row.kilobytes} KB`.padEnd(8)}  ${`${row.limitKilobytes} KB`.padEnd(8)}  ${`${row.loadMsMedian} ms`.padEnd(32)} ${row.awsSdkClients.join(', ')}${row.withinLimit ? '' : '  OVER LIMIT'}`,
  );
}
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/bundles.json', JSON.stringify(rows, null, 2));
if (rows.some((row) => !row.withinLimit)) process.exitCode = 1;
