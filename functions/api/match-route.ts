/**
 * The API's routes and how a request finds one. Routing is done here, on the raw path, rather than trusted to the
 * transport: API Gateway (one route per path or a `$default` catch-all) and the local server then behave the same.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export type RouteName = 'listArticles' | 'getArticle' | 'listRelated' | 'listTopicArticles' | 'listSources';

/** Templates in the syntax of API Gateway route keys and OpenAPI paths. */
export const ROUTES: readonly { readonly name: RouteName; readonly template: string }[] = [
  { name: 'listArticles', template: '/articles' },
  { name: 'getArticle', template: '/articles/{id}' },
  { name: 'listRelated', template: '/articles/{id}/related' },
  { name: 'listTopicArticles', template: '/topics/{topic}/articles' },
  { name: 'listSources', template: '/sources' },
];

export interface RouteMatch {
  readonly name: RouteName;
  readonly template: string;
  /** Still percent-encoded: each route decodes and checks its own parameters. */
  readonly rawParams: Readonly<Record<string, string>>;
}

/** Exact segment matching: empty segments (`//`, a trailing `/`) and `..` never match a parameter. */
export function matchRoute(path: string): RouteMatch | null {
  const segments = path.split('/');
  if (segments[0] !== '') return null;
  const given = segments.slice(1);
  for (const route of ROUTES) {
    const expected = route.template.split('/').slice(1);
    if (expected.length !== given.length) continue;
    const rawParams: Record<string, string> = {};
    const matches = expected.every((part, index) => {
      const segment = given[index] ?? '';
      if (!part.startsWith('{')) return part === segment;
      rawParams[part.slice(1, -1)] = segment;
      return segment !== '' && segment !== '.' && segment !== '..';
    });
    if (matches) return { name: route.name, template: route.template, rawParams };
  }
  return null;
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
