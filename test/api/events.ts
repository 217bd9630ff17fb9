/**
 * API Gateway HTTP API (payload 2.0) events for handler tests, shaped like the ones a `$default` route sends.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface EventOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** A named stage puts `/<stage>` in front of rawPath, as API Gateway does. */
  readonly stage?: string;
  readonly routeKey?: string;
  readonly pathParameters?: Record<string, string>;
}

/** `target` is what follows the host: a path, optionally with `?query`, sent as is (no normalisation). */
export function apiEvent(target: string, options: EventOptions = {}): APIGatewayProxyEventV2 {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const stage = options.stage ?? '$default';
  const rawPath = stage === '$default' ? path : `/${stage}${path}`;
  const method = options.method ?? 'GET';
  const routeKey = options.routeKey ?? '$default';
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[name] = queryStringParameters[name] === undefined ? value : `${queryStringParameters[name]},${value}`;
  }
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { host: 'api.example.com', 'user-agent': 'newsweave-test', ...options.headers },
    queryStringParameters: rawQueryString ? queryStringParameters : undefined,
    pathParameters: options.pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'newsweave-test' },
      requestId: 'req-1',
      routeKey,
      stage,
      time: '20/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_176_000_000,
    },
    isBase64Encoded: false,
  };
}

/** An event with no rawPath, as a hand-written console test event for a concrete route might be. */
export function routeKeyEvent(routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const event = apiEvent('/', { routeKey, pathParameters, method: routeKey.split(' ')[0] });
  return { ...event, rawPath: '', rawQueryString: '' };
}
