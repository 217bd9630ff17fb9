/**
 * The local transport for the API handler: a Node HTTP request becomes the event API Gateway's HTTP API sends
 * (payload format 2.0, `$default` route and stage), and the handler's result becomes the HTTP response. Routing
 * stays in the handler, so pathParameters are left out just as a `$default` route leaves them out.
 *
 * On the routes that need a signed-in user (functions/api/match-route.ts, the table the CDK reads too) the token is
 * checked first, as API Gateway's JWT authorizer does (local/jwt-authorizer.ts): refused, the request never reaches
 * the handler; accepted, its claims go where API Gateway puts them.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requiresSignIn } from '../functions/api/match-route';
import type { JwtAuthorizer } from './jwt-authorizer';

/** Bodies of these types reach Lambda as text; API Gateway base64-encodes everything else. */
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|x-www-form-urlencoded|javascript))/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function toApiGatewayEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = (req.url ?? '/').split('#')[0] ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    // API Gateway joins a repeated header's values with commas, as HTTP allows.
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/).filter((cookie) => cookie.length > 0);

  const now = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  // A text body that is not UTF-8 is handed over as its bytes, base64-encoded, so that the handler can refuse it:
  // decoded here, its broken bytes would reach the handler as U+FFFD, which a reader may also have typed.
  const asText = isText && isUtf8(body);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: sourceIp(req.socket.remoteAddress),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: apiGatewayTime(new Date(now)),
      timeEpoch: now,
    },
    isBase64Encoded: body.length > 0 && !asText,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  const parameters = queryStringParameters(rawQueryString);
  if (parameters) event.queryStringParameters = parameters;
  if (body.length > 0) event.body = asText ? body.toString('utf8') : body.toString('base64');
  return event;
}

/**
 * The JWT authorizer's step: an event for a public route passes as it is; for a signed-in route it gains the token's
 * claims, or the request is answered here with API Gateway's own 401.
 */
export async function authorizeEvent(
  event: APIGatewayProxyEventV2,
  authorizer: JwtAuthorizer,
): Promise<{ readonly event: APIGatewayProxyEventV2 } | { readonly refused: APIGatewayProxyStructuredResultV2 }> {
  if (!requiresSignIn(event.requestContext.http.method, event.rawPath)) return { event };
  const outcome = await authorizer(event.headers.authorization);
  if (!outcome.ok) return { refused: unauthorizedResult(outcome.reason) };
  return { event: { ...event, requestContext: { ...event.requestContext, authorizer: { jwt: outcome.jwt } } } as APIGatewayProxyEventV2 };
}

/** What API Gateway answers when its JWT authorizer refuses a request: its body, and why in WWW-Authenticate. */
export function unauthorizedResult(reason: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 401,
    headers: {
      'content-type': 'application/json',
      'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${reason.replaceAll('"', "'")}"`,
    },
    body: JSON.stringify({ message: 'Unauthorized' }),
  };
}

export function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies && result.cookies.length > 0) res.setHeader('set-cookie', result.cookies);
  const status = result.statusCode ?? 200;
  // RFC 9110 §8.6: never on a 204; on a 304, and on the answer to a HEAD, only the length the GET's body would have
  // had. The API's handler leaves a HEAD's body out, so its length is not known here: none, rather than a false 0.
  const bodiless = res.req?.method === 'HEAD' && body.length === 0;
  if (status !== 204 && status !== 304 && !bodiless) res.setHeader('content-length', body.length);
  res.statusCode = status;
  res.end(body);
}

/** Decoded values, a repeated parameter's values joined with commas, as API Gateway does; undefined when none. */
function queryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  // A Map, so that names such as `constructor` or `__proto__` are plain keys.
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const earlier = parameters.get(name);
    parameters.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  return parameters.size > 0 ? Object.fromEntries(parameters) : undefined;
}

function sourceIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** `29/Nov/2026:05:14:10 +0000`, the format of requestContext.time. */
function apiGatewayTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
