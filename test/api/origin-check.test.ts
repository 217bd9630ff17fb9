/**
 * The API behind the distribution: with the distribution's secret configured, a request that does not carry it (one
 * sent to the execute-api endpoint or the API's domain directly) is refused before routing; without one configured
 * (the local stack, an API-only deployment) every request is taken.
 */
import { describe, expect, it } from '@jest/globals';
import { fromDistribution, ORIGIN_HEADER } from '../../functions/api/origin-check';
import { readApiConfig } from '../../functions/shared/config';
import { apiEvent } from './events';
import { apiFixture } from './fixture';

const SECRET = 'a'.repeat(24) + 'B7c9D1e3F5g7H9j1K3m5';

describe('fromDistribution', () => {
  it('is true only for the exact secret in the header', () => {
    expect(fromDistribution({ [ORIGIN_HEADER]: SECRET }, SECRET)).toBe(true);
    expect(fromDistribution({ [ORIGIN_HEADER]: `${SECRET}x` }, SECRET)).toBe(false);
    expect(fromDistribution({ [ORIGIN_HEADER]: SECRET.slice(1) }, SECRET)).toBe(false);
    expect(fromDistribution({ [ORIGIN_HEADER]: '' }, SECRET)).toBe(false);
    expect(fromDistribution({ other: SECRET }, SECRET)).toBe(false);
    expect(fromDistribution(undefined, SECRET)).toBe(false);
  });
});

describe('the API with the distribution secret', () => {
  const { handler } = apiFixture({ originSecret: SECRET });

  it('refuses a request without it, on every route, with the API error shape and no caching', async () => {
    for (const target of ['/articles', '/sources', '/nowhere']) {
      const result = await handler(apiEvent(target));
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body!)).toEqual({ error: { code: 'forbidden', message: 'this API answers through its CloudFront distribution only' } });
      expect(result.headers?.['cache-control']).toBe('no-store');
    }
    expect((await handler(apiEvent('/articles', { headers: { [ORIGIN_HEADER]: 'guess' } }))).statusCode).toBe(403);
  });

  it('answers a request that carries it as usual', async () => {
    const result = await handler(apiEvent('/articles?limit=2', { headers: { [ORIGIN_HEADER]: SECRET } }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).items).toHaveLength(2);
  });

  it('is not required when none is configured', async () => {
    expect((await apiFixture().handler(apiEvent('/articles'))).statusCode).toBe(200);
  });
});

describe('ORIGIN_SECRET', () => {
  it('is read when set, ignored when empty, and refused when too short to be a secret', () => {
    expect(readApiConfig({ TABLE_NAME: 't', ORIGIN_SECRET: SECRET })).toEqual({ tableName: 't', originSecret: SECRET });
    expect(readApiConfig({ TABLE_NAME: 't', ORIGIN_SECRET: '' })).toEqual({ tableName: 't' });
    expect(readApiConfig({ TABLE_NAME: 't' })).toEqual({ tableName: 't' });
    expect(() => readApiConfig({ TABLE_NAME: 't', ORIGIN_SECRET: 'short' })).toThrow(/ORIGIN_SECRET must be at least 32 characters/);
  });
});
