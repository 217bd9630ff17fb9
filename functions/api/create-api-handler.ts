/**
 * The read API, transport-free: an API Gateway HTTP API (payload 2.0) event in, a JSON result out. The Lambda entry
 * (functions/http-api.ts) and the local server (local/web-server.ts) both call the handler this makes. The contract
 * is docs/openapi.json; test/api/openapi-conformance.test.ts holds the two together.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ArticleSummary } from '../model';
import type { ArticleStore, Page, RelatedIndex, SourceStore } from '../ports';
import { InvalidCursorError } from '../ports';
import type { Telemetry } from '../shared/telemetry';
import { matchRoute, requestMethod, requestPath, requestQueryString, type RouteName } from './match-route';
import { presentArticle, presentRelated, presentSource, presentSummary } from './present';
import { CACHE, errorResult, jsonResult } from './responses';
import {
  LIST_LIMIT,
  RELATED_LIMIT,
  RequestError,
  normaliseTopic,
  parseArticleId,
  parseCursor,
  parseLimit,
  parseSearchWords,
  parseSourceId,
  readQueryParameters,
} from './validate';

export interface ApiDependencies {
  readonly articles: ArticleStore;
  readonly sources: SourceStore;
  readonly related: RelatedIndex;
  readonly telemetry: Telemetry;
}

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

type Result = APIGatewayProxyStructuredResultV2;
type RouteHandler = (rawParams: Readonly<Record<string, string>>, queryString: string) => Promise<Result>;

const ALLOWED_METHODS = 'GET, HEAD';

export function createApiHandler(deps: ApiDependencies): ApiHandler {
  const { articles, sources, related, telemetry } = deps;

  const routes: Record<RouteName, RouteHandler> = {
    async listArticles(_, queryString) {
      const query = readQueryParameters(queryString, ['source', 'limit', 'cursor', 'q']);
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

    async getArticle(rawParams, queryString) {
      readQueryParameters(queryString, []);
      const id = parseArticleId(rawParams.id ?? '');
      const article = await articles.getArticle(id);
      if (!article) throw new RequestError(404, 'not_found', 'no article with this id');
      return jsonResult(200, presentArticle(article), CACHE.article);
    },

    async listRelated(rawParams, queryString) {
      const query = readQueryParameters(queryString, ['limit']);
      const id = parseArticleId(rawParams.id ?? '');
      const limit = parseLimit(query.get('limit'), RELATED_LIMIT);
      const found = await related.findRelated(id, { limit });
      // The index is written after the article: a stored article it does not know yet simply has no related ones.
      if (found === null && !(await articles.getArticle(id))) {
        throw new RequestError(404, 'not_found', 'no article with this id');
      }
      const items = (found ?? [])
        .filter((item) => item.id !== id)
        .slice(0, limit)
        .map(presentRelated);
      return jsonResult(200, { items }, CACHE.related);
    },

    async listTopicArticles(rawParams, queryString) {
      const query = readQueryParameters(queryString, ['limit', 'cursor']);
      const topic = normaliseTopic(rawParams.topic ?? '');
      const limit = parseLimit(query.get('limit'), LIST_LIMIT);
      const cursor = parseCursor(query.get('cursor'));
      return pageResult(await related.listTopic(topic, { limit, cursor }), limit);
    },

    async listSources(_, queryString) {
      readQueryParameters(queryString, []);
      const items = (await sources.listSources()).map(presentSource).sort((a, b) => a.id.localeCompare(b.id));
      return jsonResult(200, { items }, CACHE.sources);
    },
  };

  async function answer(event: APIGatewayProxyEventV2): Promise<{ route: string; result: Result }> {
    const match = matchRoute(requestPath(event));
    if (!match) return { route: 'none', result: errorResult(404, 'route_not_found', 'no such route; see docs/openapi.json') };
    const method = requestMethod(event);
    if (method !== 'GET' && method !== 'HEAD') {
      const result = errorResult(405, 'method_not_allowed', `only ${ALLOWED_METHODS} are allowed here`, { allow: ALLOWED_METHODS });
      return { route: match.template, result };
    }
    try {
      const result = await routes[match.name](match.rawParams, requestQueryString(event));
      return { route: match.template, result: method === 'HEAD' ? { ...result, body: '' } : result };
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
    // ApiErrors is what an operator is paged for: the API's own failures, not clients' mistakes.
    if (status >= 500) telemetry.count('ApiErrors');
    else if (status >= 400) telemetry.count('ApiClientErrors');
    telemetry.timing('ApiLatency', performance.now() - started);
    if (status >= 400 && status < 500) telemetry.log.debug('API request refused', { route, status });
    return result;
  };
}

function pageResult(page: Page<ArticleSummary>, limit: number): Result {
  return jsonResult(200, { items: page.items.slice(0, limit).map(presentSummary), nextCursor: page.nextCursor ?? null }, CACHE.list);
}
