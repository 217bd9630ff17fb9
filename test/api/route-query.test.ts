/**
 * The query parameters of each route are written once, in ROUTES: the handler refuses any other, CloudFront keys its
 * cache on exactly them (lib/reader-site.ts), and the OpenAPI document must name the same ones.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ROUTES } from '../../functions/api/match-route';
import { createApiHandler } from '../../functions/api/create-api-handler';
import { silentTelemetry } from '../../functions/shared/telemetry';

interface Parameter {
  readonly name?: string;
  readonly in?: string;
  readonly $ref?: string;
}
const openapi = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
  components: { parameters: Record<string, Parameter> };
};
const resolve = (parameter: Parameter): Parameter =>
  parameter.$ref ? openapi.components.parameters[parameter.$ref.split('/').pop()!]! : parameter;

describe('query parameters per route', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.template}`, route] as const))('%s: the same in ROUTES and in the OpenAPI document', (_, route) => {
    const operation = openapi.paths[route.template]?.[route.method.toLowerCase()];
    expect(operation).toBeDefined();
    const documented = (operation?.parameters ?? []).map(resolve).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
    expect([...route.query].sort()).toEqual(documented.sort());
  });

  it('refuses, on each GET route, a parameter that is not in its list', async () => {
    const unexpected = () => {
      throw new Error('no store should be reached');
    };
    const store = new Proxy({}, { get: () => unexpected });
    const handler = createApiHandler({
      articles: store as never,
      sources: store as never,
      related: store as never,
      comments: store as never,
      rateLimiter: store as never,
      telemetry: silentTelemetry,
    });
    for (const route of ROUTES.filter((each) => each.method === 'GET')) {
      const path = route.template.replace('{id}', '01JDR3V9Q4X8K2M6N7P0S5T1W1').replace('{topic}', 'wildfire');
      const answer = await handler({
        rawPath: path,
        rawQueryString: 'utm_source=x',
        requestContext: { http: { method: 'GET' }, stage: '$default' },
      } as never);
      expect({ route: route.template, status: answer.statusCode, body: JSON.parse(String(answer.body)).error.code }).toEqual({
        route: route.template,
        status: 400,
        body: 'invalid_query',
      });
    }
  });
});
