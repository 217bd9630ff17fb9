/**
 * The API, transport-free: an API Gateway HTTP API (payload 2.0) event in, a JSON result out. The Lambda entry
 * (functions/http-api.ts) and the local server (local/web-server.ts) both call the handler this makes. The contract
 * is docs/openapi.json; test/api/openapi-conformance.test.ts holds the two together.
 *
 * The write routes (comments) need a signed-in user: API Gateway's JWT authorizer checks the token and passes its
 * claims in `requestContext.authorizer.jwt.claims`; a request on such a route without them is refused here too, so
 * that a route table that missed one cannot open it.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { checkCommentBody } from '../comments/comment-body';
import { userFromClaims } from '../comments/claims';
import type { ArticleSummary, User } from '../contracts/model';
import type { Page, SourceStore } from '../ports';
import type { RelatedQueries } from '../use-cases/related-queries';
import { InvalidCursorError } from '../ports';
import { deleteComment } from '../use-cases/delete-comment';
import { listComments } from '../use-cases/list-comments';
import { postComment, type CommentDeps } from '../use-cases/post-comment';
import {
  allowedMethods,
  matchRoute,
  requestMethod,
  requestPath,
  requestQueryString,
  routeForMethod,
  type Route,
  type RouteName,
} from './match-route';
import { entityTag, ifNoneMatchNames } from './conditional';
import { presentArticle, presentComment, presentRelated, presentSource, presentSummary } from './present';
import { fromDistribution } from './origin-check';
import { CACHE, emptyResult, errorResult, jsonResult, notModifiedResult } from './responses';
import {
  COMMENT_LIMIT,
  LIST_LIMIT,
  RELATED_LIMIT,
  RequestError,
  parseTopic,
  parseArticleId,
  parseCommentId,
  parseCursor,
  parseLimit,
  parseSearchWords,
  parseSourceId,
  readJsonObject,
  readQueryParameters,
} from './validate';

/** The comment use cases' dependencies (their clock and rate limits included), and what the read routes use. */
export interface ApiDependencies extends CommentDeps {
  readonly sources: SourceStore;
  readonly related: RelatedQueries;
  /**
   * The secret the CloudFront distribution adds to every request (origin-check.ts): when set, a request without it
   * is refused with a 403. Unset locally and in API-only deployments.
   */
  readonly originSecret?: string;
}

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

type Result = APIGatewayProxyStructuredResultV2;
interface Request {
  readonly rawParams: Readonly<Record<string, string>>;
  /** The route's query parameters, checked against its entry in ROUTES. */
  readonly query: ReturnType<typeof readQueryParameters>;
  readonly event: APIGatewayProxyEventV2;
  /** Set on signed-in routes only. */
  readonly user: User | null;
}
type RouteHandler = (request: Request) => Promise<Result>;

export function createApiHandler(deps: ApiDependencies): ApiHandler {
  const { articles, sources, related, comments, telemetry } = deps;

  const routes: Record<RouteName, RouteHandler> = {
    async listArticles({ query }) {
      const limit = parseLimit(query.get('limit'), LIST_LIMIT);
      const cursor = parseCursor(query.get('cursor'));
      const sourceId = parseSourceId(query.get('source'));
      const q = query.get('q');
      if (q !== undefined) {
        const words = parseSearchWords(q);
        // The search index ranks across all sources; filtering one page afterwards would make short, uneven pages.
        if (sourceId) throw new RequestError(400, 'invalid_query', 'q and source cannot be combined');
        return pageResult(await related.search(words, { limit, cursor }), limit);
      }
      return pageResult(await articles.listArticles({ sourceId, limit, cursor }), limit);
    },

    async getArticle({ rawParams }) {
      const id = parseArticleId(rawParams.id ?? '');
      const found = await articles.getArticleWithCommentCount(id);
      if (!found) throw new RequestError(404, 'not_found', 'no article with this id');
      return jsonResult(200, presentArticle(found.article, found.commentCount), CACHE.article);
    },

    async listRelated({ rawParams, query }) {
      const id = parseArticleId(rawParams.id ?? '');
      const limit = parseLimit(query.get('limit'), RELATED_LIMIT);
      const found = await related.findRelated(id, { limit });
      // The index is written after the article: a stored article it does not know yet simply has no related ones.
      if (found === null && !(await articles.hasArticle(id))) {
        throw new RequestError(404, 'not_found', 'no article with this id');
      }
      const items = (found ?? [])
        .filter((item) => item.id !== id)
        .slice(0, limit)
        .map(presentRelated);
      return jsonResult(200, { items }, CACHE.related);
    },

    async listComments({ rawParams, query }) {
      const id = parseArticleId(rawParams.id ?? '');
      const limit = parseLimit(query.get('limit'), COMMENT_LIMIT);
      const cursor = parseCursor(query.get('cursor'));
      const page = await listComments(id, { limit, cursor }, { articles, comments });
      if (!page) throw new RequestError(404, 'not_found', 'no article with this id');
      return jsonResult(200, { items: page.items.slice(0, limit).map(presentComment), nextCursor: page.nextCursor ?? null }, CACHE.comments);
    },

    async postComment({ rawParams, event, user }) {
      const articleId = parseArticleId(rawParams.id ?? '');
      const input = readJsonObject(event.body, event.isBase64Encoded, header(event, 'content-type'));
      const unknown = Object.keys(input).find((key) => key !== 'body');
      if (unknown !== undefined) throw new RequestError(400, 'invalid_body', 'the body takes one field, "body"');
      const checked = checkCommentBody(input.body);
      if (!checked.ok) {
        const code = checked.problem === 'empty' ? 'comment_empty' : checked.problem === 'too-long' ? 'comment_too_long' : 'invalid_body';
        throw new RequestError(400, code, checked.message);
      }
      const outcome = await postComment({ articleId, user: signedIn(user), body: checked.body }, deps);
      if (outcome.kind === 'article-not-found') throw new RequestError(404, 'not_found', 'no article with this id');
      if (outcome.kind === 'rate-limited') {
        const seconds = outcome.retryAfterSeconds;
        return errorResult(429, 'rate_limited', `too many comments this ${outcome.window}: try again in ${seconds} s`, {
          'retry-after': String(seconds),
        });
      }
      return jsonResult(201, presentComment(outcome.comment), CACHE.none);
    },

    async deleteComment({ rawParams, user }) {
      const articleId = parseArticleId(rawParams.id ?? '');
      const commentId = parseCommentId(rawParams.commentId ?? '');
      const outcome = await deleteComment({ articleId, commentId, user: signedIn(user) }, { comments, telemetry });
      if (outcome === 'not-found') throw new RequestError(404, 'not_found', 'no comment with this id under this article');
      if (outcome === 'forbidden') throw new RequestError(403, 'forbidden', 'only its author or a moderator may delete a comment');
      return emptyResult(204);
    },

    async listTopicArticles({ rawParams, query }) {
      const topic = parseTopic(rawParams.topic ?? '');
      const limit = parseLimit(query.get('limit'), LIST_LIMIT);
      const cursor = parseCursor(query.get('cursor'));
      return pageResult(await related.listTopic(topic, { limit, cursor }), limit);
    },

    async listSources() {
      const items = (await sources.listSources()).map(presentSource).sort((a, b) => a.id.localeCompare(b.id));
      return jsonResult(200, { items }, CACHE.sources);
    },
  };

  async function answer(event: APIGatewayProxyEventV2): Promise<{ route: string; result: Result }> {
    if (deps.originSecret !== undefined && !fromDistribution(event.headers, deps.originSecret)) {
      return { route: 'none', result: errorResult(403, 'forbidden', 'this API answers through its CloudFront distribution only') };
    }
    const match = matchRoute(requestPath(event));
    if (!match) return { route: 'none', result: errorResult(404, 'route_not_found', 'no such route; see docs/openapi.json') };
    const method = requestMethod(event);
    const route = routeForMethod(match, method);
    if (!route) {
      const allow = allowedMethods(match);
      const result = errorResult(405, 'method_not_allowed', `this path takes ${allow}`, { allow });
      return { route: match.template, result };
    }
    try {
      const user = route.access === 'signed-in' ? requireUser(event, route) : null;
      // Each route reads only the parameters its entry in ROUTES names; any other is refused.
      const query = readQueryParameters(requestQueryString(event), route.query);
      const result = await routes[route.name]({ rawParams: match.rawParams, query, event, user });
      return { route: match.template, result: route.method === 'GET' ? validated(result, event, method) : result };
    } catch (error) {
      return { route: match.template, result: failure(error, event, match.template) };
    }
  }

  function failure(error: unknown, event: APIGatewayProxyEventV2, route: string): Result {
    if (error instanceof RequestError) return errorResult(error.statusCode, error.code, error.message);
    // By name as well: a second copy of ports.ts in a bundle would make instanceof miss.
    if (error instanceof InvalidCursorError || (error instanceof Error && error.name === 'InvalidCursorError')) {
      return errorResult(400, 'invalid_cursor', 'cursor is not one this API returned');
    }
    telemetry.log.error('API request failed', {
      route,
      requestId: event.requestContext?.requestId,
      error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    });
    return errorResult(500, 'internal', 'internal error');
  }

  return async (event) => {
    const started = performance.now();
    const { route, result } = await answer(event);
    const status = result.statusCode ?? 200;
    telemetry.count('ApiRequests');
    // The API's own failures apart from clients' mistakes (locally and in tests; deployed, operators are paged by
    // API Gateway's own 5xx rate, ApiServerErrorRate, which also sees the failures this function never answers).
    if (status >= 500) telemetry.count('ApiErrors');
    else if (status >= 400) telemetry.count('ApiClientErrors');
    telemetry.timing('ApiLatency', performance.now() - started);
    // With API Gateway's request id, as the failure line has it: a client quoting one finds why it was refused.
    if (status >= 400 && status < 500) {
      telemetry.log.debug('API request refused', { route, status, code: errorCode(result), requestId: event.requestContext?.requestId });
    }
    return result;
  };
}

/** The `error.code` of an error answer's body, or null where it has none (a HEAD's answer carries no body). */
function errorCode(result: Result): string | null {
  try {
    const code = (JSON.parse(result.body ?? '') as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * A GET or HEAD answer with its validator: a 200 gets the strong ETag of its body, and when the request's
 * If-None-Match already names it, the answer is a 304 with the same ETag and Cache-Control and no body. HEAD
 * carries the headers GET would, without the body. Other statuses ignore the precondition (RFC 9110 §13.2.1).
 */
function validated(result: Result, event: APIGatewayProxyEventV2, method: string): Result {
  const headOnly = (answer: Result): Result => (method === 'HEAD' ? { ...answer, body: '' } : answer);
  if (result.statusCode !== 200 || typeof result.body !== 'string') return headOnly(result);
  const etag = entityTag(result.body);
  if (ifNoneMatchNames(header(event, 'if-none-match'), etag)) {
    return notModifiedResult(etag, String(result.headers?.['cache-control'] ?? CACHE.none));
  }
  return headOnly({ ...result, headers: { ...result.headers, etag } });
}

/** The user of a signed-in route, from the JWT authorizer's claims; without them, 401 (as API Gateway answers). */
function requireUser(event: APIGatewayProxyEventV2, route: Route): User {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: unknown } } } | undefined;
  const user = userFromClaims(context?.authorizer?.jwt?.claims);
  if (!user) {
    throw new RequestError(401, 'unauthorized', `${route.method} ${route.template} needs a valid access token`);
  }
  return user;
}

function signedIn(user: User | null): User {
  if (!user) throw new Error('a signed-in route ran without a user');
  return user;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

function pageResult(page: Page<ArticleSummary>, limit: number): Result {
  return jsonResult(200, { items: page.items.slice(0, limit).map(presentSummary), nextCursor: page.nextCursor ?? null }, CACHE.list);
}
