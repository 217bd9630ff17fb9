/**
 * Holds the handler and docs/openapi.json together: real handler responses, for every documented route and status,
 * are validated against the document's own schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses), and every
 * documented status and error code must be produced by at least one case here.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { createApiHandler } from '../../functions/api/create-api-handler';
import { ROUTES } from '../../functions/api/match-route';
import { ADA, BOB, MODERATOR, apiEvent, signedInEvent, type TestUser } from './events';
import { failingPorts, recordingTelemetry } from './fakes';
import { COMMENT_IDS, apiFixture, articleId } from './fixture';
import { DOCUMENT_ID, OPENAPI_PATH, ajv, conformanceErrors, doc, responseSpec, schemaErrors, type Operation } from './openapi-schemas';

interface Case {
  readonly name: string;
  readonly target: string;
  readonly template: string;
  readonly status: number;
  /** The method sent. */
  readonly method?: string;
  /** The operation that documents the answer, when not the method's own (a 405 is documented on the path's first). */
  readonly operation?: Operation;
  /** Runs the request against ports that all fail. */
  readonly broken?: boolean;
  /** Sent with this user's claims, as the JWT authorizer passes them. */
  readonly user?: TestUser;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Runs with a rate that allows nothing. */
  readonly overRate?: boolean;
  /** Sent again with If-None-Match naming the ETag of its first answer. */
  readonly revalidated?: boolean;
}

const id = articleId(0);
const CASES: readonly Case[] = [
  { name: 'latest articles', target: '/articles?limit=3', template: '/articles', status: 200 },
  { name: 'unchanged', target: '/articles?limit=3', template: '/articles', status: 304, revalidated: true },
  { name: 'last page', target: '/articles?source=bbc-news&limit=100', template: '/articles', status: 200 },
  { name: 'search', target: '/articles?q=election', template: '/articles', status: 200 },
  { name: 'empty search', target: '/articles?q=zebra', template: '/articles', status: 200 },
  { name: 'bad limit', target: '/articles?limit=101', template: '/articles', status: 400 },
  { name: 'forged cursor', target: '/articles?cursor=Zm9yZ2Vk', template: '/articles', status: 400 },
  { name: 'bad source', target: '/articles?source=BBC', template: '/articles', status: 400 },
  { name: 'empty q', target: '/articles?q=', template: '/articles', status: 400 },
  { name: 'POST', target: '/articles', template: '/articles', status: 405, method: 'POST' },
  { name: 'long query', target: `/articles?q=${'x'.repeat(2049)}`, template: '/articles', status: 414 },
  { name: 'store down', target: '/articles', template: '/articles', status: 500, broken: true },

  { name: 'article', target: `/articles/${id}`, template: '/articles/{id}', status: 200 },
  { name: 'unchanged', target: `/articles/${id}`, template: '/articles/{id}', status: 304, revalidated: true },
  { name: 'article without topics', target: `/articles/${articleId(1)}`, template: '/articles/{id}', status: 200 },
  { name: 'traversal id', target: '/articles/..%2F..%2Fsources', template: '/articles/{id}', status: 400 },
  { name: 'unknown article', target: `/articles/${'Q'.repeat(22)}`, template: '/articles/{id}', status: 404 },
  { name: 'DELETE', target: `/articles/${id}`, template: '/articles/{id}', status: 405, method: 'DELETE' },
  { name: 'long query', target: `/articles/${id}?${'x'.repeat(3000)}`, template: '/articles/{id}', status: 414 },
  { name: 'store down', target: `/articles/${id}`, template: '/articles/{id}', status: 500, broken: true },

  { name: 'related', target: `/articles/${id}/related`, template: '/articles/{id}/related', status: 200 },
  { name: 'unchanged', target: `/articles/${id}/related`, template: '/articles/{id}/related', status: 304, revalidated: true },
  { name: 'not indexed yet', target: `/articles/${articleId(7)}/related`, template: '/articles/{id}/related', status: 200 },
  { name: 'bad limit', target: `/articles/${id}/related?limit=51`, template: '/articles/{id}/related', status: 400 },
  { name: 'unknown article', target: `/articles/${'Q'.repeat(22)}/related`, template: '/articles/{id}/related', status: 404 },
  { name: 'PUT', target: `/articles/${id}/related`, template: '/articles/{id}/related', status: 405, method: 'PUT' },
  { name: 'long query', target: `/articles/${id}/related?limit=${'1'.repeat(2100)}`, template: '/articles/{id}/related', status: 414 },
  { name: 'index down', target: `/articles/${id}/related`, template: '/articles/{id}/related', status: 500, broken: true },

  { name: 'comments', target: `/articles/${id}/comments?limit=2`, template: '/articles/{id}/comments', status: 200 },
  { name: 'unchanged', target: `/articles/${id}/comments?limit=2`, template: '/articles/{id}/comments', status: 304, revalidated: true },
  { name: 'no comments', target: `/articles/${articleId(3)}/comments`, template: '/articles/{id}/comments', status: 200 },
  { name: 'bad limit', target: `/articles/${id}/comments?limit=0`, template: '/articles/{id}/comments', status: 400 },
  { name: 'unknown article', target: `/articles/${'Q'.repeat(22)}/comments`, template: '/articles/{id}/comments', status: 404 },
  { name: 'PUT', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 405, method: 'PUT' },
  { name: 'long query', target: `/articles/${id}/comments?cursor=${'c'.repeat(2100)}`, template: '/articles/{id}/comments', status: 414 },
  { name: 'store down', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 500, broken: true },

  { name: 'post', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 201, method: 'POST', user: ADA, body: { body: 'Hello' } },
  { name: 'too long', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 400, method: 'POST', user: ADA, body: { body: 'x'.repeat(2001) } },
  { name: 'empty', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 400, method: 'POST', user: ADA, body: { body: ' ' } },
  { name: 'not JSON', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 400, method: 'POST', user: ADA, body: '{"body":' },
  { name: 'no claims', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 401, method: 'POST', body: { body: 'Hello' } },
  { name: 'unknown article', target: `/articles/${'Q'.repeat(22)}/comments`, template: '/articles/{id}/comments', status: 404, method: 'POST', user: ADA, body: { body: 'Hello' } },
  { name: 'huge body', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 413, method: 'POST', user: ADA, body: { body: 'x'.repeat(70_000) } },
  { name: 'long query', target: `/articles/${id}/comments?${'q'.repeat(2100)}`, template: '/articles/{id}/comments', status: 414, method: 'POST', user: ADA, body: { body: 'Hello' } },
  { name: 'form body', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 415, method: 'POST', user: ADA, body: 'body=Hello', contentType: 'application/x-www-form-urlencoded' },
  { name: 'over the rate', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 429, method: 'POST', user: ADA, body: { body: 'Hello' }, overRate: true },
  { name: 'store down', target: `/articles/${id}/comments`, template: '/articles/{id}/comments', status: 500, method: 'POST', user: ADA, body: { body: 'Hello' }, broken: true },

  { name: 'by a moderator', target: `/articles/${id}/comments/${COMMENT_IDS[0]}`, template: '/articles/{id}/comments/{commentId}', status: 204, method: 'DELETE', user: MODERATOR },
  { name: 'bad comment id', target: `/articles/${id}/comments/nope`, template: '/articles/{id}/comments/{commentId}', status: 400, method: 'DELETE', user: ADA },
  { name: 'no claims', target: `/articles/${id}/comments/${COMMENT_IDS[0]}`, template: '/articles/{id}/comments/{commentId}', status: 401, method: 'DELETE' },
  { name: "another's comment", target: `/articles/${id}/comments/${COMMENT_IDS[0]}`, template: '/articles/{id}/comments/{commentId}', status: 403, method: 'DELETE', user: BOB },
  { name: 'unknown comment', target: `/articles/${id}/comments/${'0'.repeat(26)}`, template: '/articles/{id}/comments/{commentId}', status: 404, method: 'DELETE', user: ADA },
  { name: 'GET', target: `/articles/${id}/comments/${COMMENT_IDS[0]}`, template: '/articles/{id}/comments/{commentId}', status: 405, operation: 'delete' },
  { name: 'long query', target: `/articles/${id}/comments/${COMMENT_IDS[0]}?${'q'.repeat(2100)}`, template: '/articles/{id}/comments/{commentId}', status: 414, method: 'DELETE', user: ADA },
  { name: 'store down', target: `/articles/${id}/comments/${COMMENT_IDS[0]}`, template: '/articles/{id}/comments/{commentId}', status: 500, method: 'DELETE', user: ADA, broken: true },

  { name: 'topic', target: '/topics/Vladimir%20Putin/articles?limit=2', template: '/topics/{topic}/articles', status: 200 },
  { name: 'unchanged', target: '/topics/Vladimir%20Putin/articles?limit=2', template: '/topics/{topic}/articles', status: 304, revalidated: true },
  { name: 'unknown topic', target: '/topics/nothing/articles', template: '/topics/{topic}/articles', status: 200 },
  { name: 'blank topic', target: '/topics/%20/articles', template: '/topics/{topic}/articles', status: 400 },
  { name: 'PATCH', target: '/topics/x/articles', template: '/topics/{topic}/articles', status: 405, method: 'PATCH' },
  { name: 'long query', target: `/topics/x/articles?cursor=${'c'.repeat(2100)}`, template: '/topics/{topic}/articles', status: 414 },
  { name: 'index down', target: '/topics/x/articles', template: '/topics/{topic}/articles', status: 500, broken: true },

  { name: 'sources', target: '/sources', template: '/sources', status: 200 },
  { name: 'unchanged', target: '/sources', template: '/sources', status: 304, revalidated: true },
  { name: 'unknown parameter', target: '/sources?page=2', template: '/sources', status: 400 },
  { name: 'OPTIONS', target: '/sources', template: '/sources', status: 405, method: 'OPTIONS' },
  { name: 'long query', target: `/sources?${'y'.repeat(2100)}`, template: '/sources', status: 414 },
  { name: 'store down', target: '/sources', template: '/sources', status: 500, broken: true },
];

async function run(c: Case): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = c.broken
    ? createApiHandler({ ...failingPorts(), telemetry: recordingTelemetry() })
    : apiFixture(c.overRate ? { rateLimits: [{ name: 'minute', seconds: 60, max: 0 }] } : {}).handler;
  const writes = c.method === 'POST' || c.method === 'DELETE';
  if (c.revalidated) {
    const first = await handler(apiEvent(c.target));
    return handler(apiEvent(c.target, { headers: { 'if-none-match': String(first.headers?.etag) } }));
  }
  return handler(
    writes
      ? signedInEvent(c.target, { method: c.method!, user: c.user, body: c.body, contentType: c.contentType })
      : apiEvent(c.target, { method: c.method }),
  );
}

/** The operation that documents a case's answer. */
function operationOf(c: Case): Operation {
  return c.operation ?? (c.status === 405 ? 'get' : ((c.method ?? 'GET').toLowerCase() as Operation));
}

describe('docs/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(OPENAPI_PATH)).resolves.toMatchObject({ openapi: expect.stringMatching(/^3\.1\./) });
  });

  it('documents exactly the routes the handler serves, with a security requirement on exactly the signed-in ones', () => {
    const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).map(([method, operation]) => {
        const security = (operation as { security?: Record<string, unknown>[] }).security;
        const signedIn = security?.length === 1 && Object.keys(security[0]!).join() === 'bearerAuth';
        if (!signedIn) expect(security).toEqual([]);
        return `${method.toUpperCase()} ${template} ${signedIn ? 'signed-in' : 'public'}`;
      }),
    );
    expect(documented.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.template} ${route.access}`).sort());
  });

  it('compiles, every component schema, in strict mode', () => {
    for (const name of Object.keys(doc.components.schemas)) {
      labelled(name, () => expect(typeof ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`)).toBe('function'));
    }
  });

  it('rejects what the handler must never send', () => {
    const summary = { id, url: 'https://a.example/x', title: 't', source: { id: 's', name: 'S' }, publishedAt: '2026-11-20T10:00:00Z', summary: '' };
    expect(schemaErrors({ $ref: '#/components/schemas/ArticleSummary' }, summary)).toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/ArticleSummary' }, { ...summary, body: 'x' })).not.toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/Article' }, { ...summary, terms: [] })).not.toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/RelatedArticle' }, { ...summary, score: 1 })).not.toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/Error' }, { error: { code: 'oops', message: '' } })).not.toEqual([]);
    const comment = { id: COMMENT_IDS[0], articleId: id, author: { id: 's', name: 'ada' }, body: 'x', createdAt: '2026-11-20T10:00:00Z' };
    expect(schemaErrors({ $ref: '#/components/schemas/Comment' }, comment)).toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/Comment' }, { ...comment, authorEmail: 'a@b.c' })).not.toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/Comment' }, { ...comment, body: 'x'.repeat(2001) })).not.toEqual([]);
    // Two code points that are four UTF-16 units: JSON Schema counts code points, as the API does.
    expect(schemaErrors({ $ref: '#/components/schemas/Comment' }, { ...comment, body: '😀'.repeat(2000) })).toEqual([]);
    expect(schemaErrors({ $ref: '#/components/schemas/Unauthorized' }, { message: 'Unauthorized' })).toEqual([]);
  });
});

describe('handler responses conform to docs/openapi.json', () => {
  it.each(CASES.map((c) => [`${c.method ?? 'GET'} ${c.template} ${c.status} (${c.name})`, c] as const))('%s', async (_, c) => {
    const result = await run(c);
    expect(result.statusCode).toBe(c.status);
    expect(conformanceErrors(result, responseSpec(c.template, c.status, operationOf(c)))).toEqual([]);
  });

  it('documents route_not_found with the shared Error schema', async () => {
    const result = await apiFixture().handler(apiEvent('/nope'));
    expect(result.statusCode).toBe(404);
    expect(schemaErrors({ $ref: '#/components/schemas/Error' }, JSON.parse(result.body ?? ''))).toEqual([]);
  });

  it('exercises every documented status of every route', () => {
    const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([operation, spec]) => Object.keys(spec.responses).map((s) => `${operation} ${template} ${s}`)),
    );
    const exercised = new Set(CASES.map((c) => `${operationOf(c)} ${c.template} ${c.status}`));
    expect(documented.filter((pair) => !exercised.has(pair))).toEqual([]);
    expect([...exercised].filter((pair) => !documented.includes(pair))).toEqual([]);
  });

  it('produces every documented error code, and only those', async () => {
    const schema = doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    const codes = new Set<string>();
    for (const c of CASES.filter((c) => c.status >= 400)) codes.add(JSON.parse((await run(c)).body ?? '').error.code);
    codes.add(JSON.parse((await apiFixture().handler(apiEvent('/nope'))).body ?? '').error.code);
    expect([...codes].sort()).toEqual([...schema.properties.error.properties.code.enum].sort());
  });
});
