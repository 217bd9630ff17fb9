/**
 * The API's routes and how a request finds one. Routing is done here, on the raw path, rather than trusted to the
 * transport: API Gateway (one route per path or a `$default` catch-all) and the local server then behave the same.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export type RouteName =
  | 'listArticles'
  | 'getArticle'
  | 'listRelated'
  | 'listTopicArticles'
  | 'listSources'
  | 'listComments'
  | 'postComment'
  | 'deleteComment';

export type RouteMethod = 'GET' | 'POST' | 'DELETE';

export interface Route {
  readonly name: RouteName;
  readonly method: RouteMethod;
  /** In the syntax of API Gateway route keys and OpenAPI paths. */
  readonly template: string;
  /**
   * `signed-in`: only with a valid access token. The one definition of which routes need one: the CDK puts the JWT
   * authorizer on exactly these (lib/read-api.ts), the local adapter checks tokens on exactly these
   * (local/http-to-apigw.ts), and the handler refuses them without the authorizer's claims.
   */
  readonly access: 'public' | 'signed-in';
  /**
   * The query parameters the route reads; any other is refused (400). CloudFront keys its cache on exactly these
   * (lib/reader-site.ts), so that a parameter nobody reads cannot split the cache.
   */
  readonly query: readonly string[];
}

/** Every route; a GET route answers HEAD too. */
export const ROUTES: readonly Route[] = [
  { name: 'listArticles', method: 'GET', template: '/articles', access: 'public', query: ['source', 'limit', 'cursor', 'q'] },
  { name: 'getArticle', method: 'GET', template: '/articles/{id}', access: 'public', query: [] },
  { name: 'listRelated', method: 'GET', template: '/articles/{id}/related', access: 'public', query: ['limit'] },
  { name: 'listComments', method: 'GET', template: '/articles/{id}/comments', access: 'public', query: ['limit', 'cursor'] },
  { name: 'postComment', method: 'POST', template: '/articles/{id}/comments', access: 'signed-in', query: [] },
  { name: 'deleteComment', method: 'DELETE', template: '/articles/{id}/comments/{commentId}', access: 'signed-in', query: [] },
  { name: 'listTopicArticles', method: 'GET', template: '/topics/{topic}/articles', access: 'public', query: ['limit', 'cursor'] },
  { name: 'listSources', method: 'GET', template: '/sources', access: 'public', query: [] },
];

export interface RouteMatch {
  readonly template: string;
  /** The routes of this path, one per method. */
  readonly routes: readonly Route[];
  /** Still percent-encoded: each route decodes and checks its own parameters. */
  readonly rawParams: Readonly<Record<string, string>>;
}

/** Exact segment matching: empty segments (`//`, a trailing `/`) and `..` never match a parameter. */
export function matchRoute(path: string): RouteMatch | null {
  const segments = path.split('/');
  if (segments[0] !== '') return null;
  const given = segments.slice(1);
  for (const template of new Set(ROUTES.map((route) => route.template))) {
    const expected = template.split('/').slice(1);
    if (expected.length !== given.length) continue;
    const rawParams: Record<string, string> = {};
    const matches = expected.every((part, index) => {
      const segment = given[index] ?? '';
      if (!part.startsWith('{')) return part === segment;
      rawParams[part.slice(1, -1)] = segment;
      return segment !== '' && segment !== '.' && segment !== '..';
    });
    if (matches) return { template, routes: ROUTES.filter((route) => route.template === template), rawParams };
  }
  return null;
}

/** The route a method takes on a matched path (HEAD takes GET's), or null: a 405. */
export function routeForMethod(match: RouteMatch, method: string): Route | null {
  const wanted = method === 'HEAD' ? 'GET' : method;
  return match.routes.find((route) => route.method === wanted) ?? null;
}

/** The `Allow` header of a matched path: its methods, with HEAD after GET. */
export function allowedMethods(match: RouteMatch): string {
  return match.routes.flatMap((route) => (route.method === 'GET' ? ['GET', 'HEAD'] : [route.method])).join(', ');
}

/** Whether a request needs a valid access token: the same answer API Gateway's route table gives. */
export function requiresSignIn(method: string, path: string): boolean {
  const match = matchRoute(path);
  const route = match && routeForMethod(match, method.toUpperCase());
  return route?.access === 'signed-in';
}

/**
 * The path the client asked for. With a named stage API Gateway puts `/<stage>` in front of rawPath; an event
 * without rawPath (a hand-written test event) is rebuilt from its route key and path parameters.
 */
export function requestPath(event: APIGatewayProxyEventV2): string {
  const stage = event.requestContext?.stage;
  const raw = event.rawPath;
  if (raw) {
    if (stage && stage !== '$default' && (raw === `/${stage}` || raw.startsWith(`/${stage}/`))) {
      return raw.slice(stage.length + 1) || '/';
    }
    return raw;
  }
  const template = event.routeKey && event.routeKey !== '$default' ? event.routeKey.split(' ')[1] : undefined;
  if (!template) return '/';
  return template.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_, name: string) => encodeURIComponent(event.pathParameters?.[name] ?? ''));
}

/** The HTTP method, from the request context or else the route key (`GET /articles`). */
export function requestMethod(event: APIGatewayProxyEventV2): string {
  return (event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0] ?? '').toUpperCase();
}

/** rawQueryString, or for a hand-written event its queryStringParameters. */
export function requestQueryString(event: APIGatewayProxyEventV2): string {
  if (typeof event.rawQueryString === 'string') return event.rawQueryString;
  const parameters = Object.entries(event.queryStringParameters ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return new URLSearchParams(parameters).toString();
}
