/**
 * The API's Lambda entry point writes no log line for a call that went well: no EMF blob of metrics API Gateway and
 * Lambda keep already (ApiRequests, ApiLatency), and no warning about empty metrics. A refused call still counts as
 * ApiClientErrors. Against a real local DynamoDB server, with Powertools' metrics on as deployed.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLambdaContext } from '../../local/lambda-context';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { captureOutput } from '../support/capture-output';
import { restoreEnv, stubEnv, stubLocalAws } from '../support/stub-env';
import { METRICS_NAMESPACE } from '../../functions/shared/telemetry-contract';
import { silentTelemetry, withoutMetrics } from '../../functions/shared/telemetry';
import { observeMetrics, type ObservedMetric } from '../../functions/shared/metric-observers';

type Handler = (event: unknown, context: Context) => Promise<{ statusCode?: number }>;
let dynamo: LocalDynamo;
let handler: Handler;
const lines: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo('api-handler');
  stubLocalAws({ tableName: dynamo.tableName, dynamoEndpoint: dynamo.endpoint });
  stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
  stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  captureOutput(lines);
  handler = (await import('../../functions/http-api')).handler as unknown as Handler;
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnv();
  await dynamo.stop();
});

const get = (rawPath: string, rawQueryString = '') =>
  handler({ version: '2.0', rawPath, rawQueryString, headers: {}, requestContext: { http: { method: 'GET' }, stage: '$default', requestId: 'r1' } }, createLambdaContext('api', 10));

describe('http-api handler', () => {
  it('logs nothing for a call that went well', async () => {
    lines.length = 0;
    expect((await get('/sources')).statusCode).toBe(200);
    expect((await get('/articles', 'limit=5')).statusCode).toBe(200);
    expect(lines).toEqual([]);
  });

  it('still counts a refused call, and only that', async () => {
    lines.length = 0;
    expect((await get('/articles', 'limit=0')).statusCode).toBe(400);
    const emf = lines.map((line) => JSON.parse(line) as { _aws?: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } }).filter((line) => line._aws);
    expect(emf.flatMap((line) => line._aws!.CloudWatchMetrics.flatMap((set) => set.Metrics.map((metric) => metric.Name)))).toEqual(['ApiClientErrors']);
  });
});

describe('withoutMetrics', () => {
  it('drops the named metrics and passes the others and the log on', () => {
    const seen: string[] = [];
    const recorder = { ...silentTelemetry, count: (name: string) => void seen.push(name), timing: (name: string) => void seen.push(`${name} (timing)`) };
    const trimmed = withoutMetrics(recorder, ['ApiRequests', 'ApiLatency']);
    trimmed.count('ApiRequests');
    trimmed.count('ApiErrors');
    trimmed.timing('ApiLatency', 3);
    trimmed.timing('ExtractionTime', 3);
    expect(seen).toEqual(['ApiErrors', 'ExtractionTime (timing)']);
    expect(trimmed.log).toBe(recorder.log);
  });

  it('still shows the dropped ones to the local observers (the local operator page counts API requests)', () => {
    const observed: ObservedMetric[] = [];
    const unsubscribe = observeMetrics((metric) => observed.push(metric));
    try {
      const trimmed = withoutMetrics(silentTelemetry, ['ApiRequests', 'ApiLatency']);
      trimmed.count('ApiRequests');
      trimmed.timing('ApiLatency', 7);
      trimmed.count('ApiErrors');
    } finally {
      unsubscribe();
    }
    expect(observed).toEqual([
      { name: 'ApiRequests', value: 1, unit: 'Count', dimension: undefined },
      { name: 'ApiLatency', value: 7, unit: 'Milliseconds' },
    ]);
  });
});
