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
  readonly body?: string;
  /** The JWT authorizer's claims, as API Gateway passes them (every value a string). */
  readonly claims?: Record<string, string>;
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
  const context = requestContext(rawPath, method, routeKey, stage);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { host: 'api.example.com', 'user-agent': 'newsweave-test', ...options.headers },
    queryStringParameters: rawQueryString ? queryStringParameters : undefined,
    pathParameters: options.pathParameters,
    requestContext: options.claims === undefined ? context : { ...context, authorizer: { jwt: { claims: options.claims, scopes: null } } },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: options.body }),
  } as APIGatewayProxyEventV2;
}

function requestContext(rawPath: string, method: string, routeKey: string, stage: string) {
  return {
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
  };
}

export interface TestUser {
  readonly sub: string;
  readonly username: string;
  readonly moderator?: boolean;
}

export const ADA: TestUser = { sub: '3f1c2a9e-0000-4000-8000-00000000a0da', username: 'ada' };
export const BOB: TestUser = { sub: '3f1c2a9e-0000-4000-8000-000000000b0b', username: 'bob' };
export const MODERATOR: TestUser = { sub: '3f1c2a9e-0000-4000-8000-0000000000d0', username: 'mo', moderator: true };

/** Claims as API Gateway's JWT authorizer passes a Cognito access token's: strings, the groups as `[a b]`. */
export function claimsOf(user: TestUser): Record<string, string> {
  return {
    sub: user.sub,
    username: user.username,
    client_id: 'reader-client',
    token_use: 'access',
    scope: 'openid',
    exp: '1795179600',
    iat: '1795176000',
    iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example',
    ...(user.moderator ? { 'cognito:groups': '[moderators]' } : {}),
  };
}

/** A write request from a signed-in user, with a JSON body unless `body` is given as a string. */
export function signedInEvent(
  target: string,
  options: { method: string; user?: TestUser; body?: unknown; contentType?: string },
): APIGatewayProxyEventV2 {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return apiEvent(target, {
    method: options.method,
    body,
    headers: { 'content-type': options.contentType ?? 'application/json' },
    claims: options.user === undefined ? undefined : claimsOf(options.user),
  });
}

/** An event with no rawPath, as a hand-written console test event for a concrete route might be. */
export function routeKeyEvent(routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const event = apiEvent('/', { routeKey, pathParameters, method: routeKey.split(' ')[0] });
  return { ...event, rawPath: '', rawQueryString: '' };
}
