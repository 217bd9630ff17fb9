/**
 * Bundles the three real entry points the way `cdk synth` does and loads each bundle in Node as an ES module:
 * proof that the ESM output, the `require` banner and the bundled AWS SDK work together.
 */
import { BUNDLE_TARGETS } from '../../bench/support/bundle-targets';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeAssembly, synthApp, type SynthesizedApp } from './synth-app';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/shared/telemetry-contract';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ stage: 'dev' }, { bundling: true });
}, 120_000);

afterAll(() => removeAssembly(synth));

const bundleOf = (name: 'fetcher' | 'worker' | 'api'): string => {
  const { ingestion, readApi } = synth.stack;
  const construct = name === 'fetcher' ? ingestion.fetcher : name === 'worker' ? ingestion.worker : readApi.handler;
  const resource = synth.template.toJSON().Resources[synth.logicalId(construct.function)] as {
    Properties: { Code: { S3Key: string } };
  };
  return join(synth.outdir, `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
};

describe('bundles', () => {
  it.each(['fetcher', 'worker', 'api'] as const)('%s: one minified ESM file with its source map, loadable by Node', (name) => {
    const dir = bundleOf(name);
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    const load = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`],
      {
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          TABLE_NAME: 'newsweave-test',
          QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/articles',
          ALLOW_PRIVATE_ADDRESSES: 'false',
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_TRACE_ENABLED: 'false',
        },
      },
    );
    // Node 20 here, 24 in Lambda: the SDK's NodeVersionSupport warning is expected, an error is not.
    expect(load.stderr).not.toMatch(/Error/);
    expect(load.status).toBe(0);
    expect(load.stdout.trim()).toBe('function');
  });

  it.each(['fetcher', 'worker', 'api'] as const)('%s: carries the AWS SDK rather than relying on the runtime\'s copy', (name) => {
    const map = JSON.parse(readFileSync(join(bundleOf(name), 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
  });

  // Targets of the performance report (bench/support/bundle-targets.ts, which says why each is what it is).
  it.each(BUNDLE_TARGETS.map(({ name, limitBytes, clients }) => [name, limitBytes, clients] as const))('%s: at most %i bytes, with only the SDK clients it calls (%j)', (name, limit, clients) => {
    const dir = bundleOf(name);
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThanOrEqual(limit);
    const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    const bundled = new Set(map.sources.flatMap((source) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1] ?? []));
    expect([...bundled].sort()).toEqual([...clients]);
    // Credential providers that Lambda never reaches stay out (lib/newsweave-function.ts, BUNDLING).
    expect(map.sources.filter((source) => /credential-provider-(ini|sso|process|web-identity|login)\//.test(source))).toEqual([]);
    expect(map.sourcesContent).toBeUndefined();
  });
});
