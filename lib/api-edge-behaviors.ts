/**
 * The API at the edge: the reader site's distribution serves the API's paths too, one cache behavior per route
 * template, keyed on the query parameters that route reads (docs/reader.md).
 */
import { Duration, Fn } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type IResponseHeadersPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { ORIGIN_HEADER } from '../functions/api/origin-check';
import type { Construct } from 'constructs';
import { API_ROUTES } from './read-api';

export interface ApiBehaviorsProps {
  readonly httpApi: IHttpApi;
  /** @default - the host of the API's execute-api endpoint */
  readonly originDomainName?: string;
  /** Added to every request as the `x-newsweave-origin` header, which the API then requires (origin-check.ts). */
  readonly originSecret?: string;
  readonly responseHeadersPolicy: IResponseHeadersPolicy;
}

/**
 * The distribution's behaviors for the API, by path pattern, in the order CloudFront must try them. The policies are
 * created in `scope` (the site), whose construct IDs they keep.
 */
export function apiBehaviors(scope: Construct, props: ApiBehaviorsProps): Record<string, BehaviorOptions> {
  const apiOrigin = new HttpOrigin(props.originDomainName ?? apiDomainName(props.httpApi), {
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    ...(props.originSecret ? { customHeaders: { [ORIGIN_HEADER]: props.originSecret } } : {}),
  });
  // One cache policy per set of query parameters a route reads (ROUTES in functions/api/match-route.ts): the key is
  // the path and those parameters, so a parameter nobody reads cannot split the cache; the TTL is whatever the API's
  // Cache-Control says, capped. On the comment paths, Authorization too, so that CloudFront passes it on to the JWT
  // authorizer (an origin request policy may not): the page sends it only on comment writes, which are never cached,
  // so public reads still share one entry. On the other paths nothing reads it, and a client that sends its token
  // with every read would otherwise have a cache of its own, every read a miss.
  const cachePolicies = new Map<string, CachePolicy>();
  const cachePolicyFor = (query: readonly string[], signed: boolean): CachePolicy => {
    const key = `${signed ? 'Signed' : ''}Cache-${query.length > 0 ? query.join('-') : 'none'}`;
    const existing = cachePolicies.get(key);
    if (existing) return existing;
    const policy = new CachePolicy(scope, `Api${key}`, {
      comment: `Newsweave reader: the API, cached as its Cache-Control says; in the key: query ${query.join(', ') || 'none'}${signed ? '; Authorization' : ''}`,
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.minutes(5),
      queryStringBehavior: query.length > 0 ? CacheQueryStringBehavior.allowList(...query) : CacheQueryStringBehavior.none(),
      headerBehavior: signed ? CacheHeaderBehavior.allowList('Authorization') : CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    cachePolicies.set(key, policy);
    return policy;
  };
  // What reaches the API besides the cache key: the body's Content-Type (comment writes), no other header, query
  // parameter or cookie. The Host header is the origin's own, the only name API Gateway answers to. A parameter a
  // route does not read is dropped here instead of refused by the API: the answer is the one the key names.
  const apiOriginRequest = new OriginRequestPolicy(scope, 'ApiOriginRequest', {
    comment: 'Newsweave reader: what the API reads beyond the cache key',
    headerBehavior: OriginRequestHeaderBehavior.allowList('Content-Type'),
    queryStringBehavior: OriginRequestQueryStringBehavior.none(),
    cookieBehavior: OriginRequestCookieBehavior.none(),
  });
  const apiBehavior = ({ query, writes }: ApiPathBehavior): BehaviorOptions => ({
    origin: apiOrigin,
    viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    // Only the comment paths take more than GET and HEAD (CloudFront never caches those).
    allowedMethods: writes ? AllowedMethods.ALLOW_ALL : AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: cachePolicyFor(query, writes),
    originRequestPolicy: apiOriginRequest,
    responseHeadersPolicy: props.responseHeadersPolicy,
  });
  return Object.fromEntries(apiPathBehaviors().map((behavior) => [behavior.pattern, apiBehavior(behavior)]));
}

/** A CloudFront behavior of the API: one per route template, with its GET route's query parameters. */
export interface ApiPathBehavior {
  /** The template with each path parameter as a `*` wildcard (`/articles/{id}/related`: `/articles/` + `*` + `/related`). */
  readonly pattern: string;
  /** The query parameters of the cache key (those the GET route reads; none for a path without GET). */
  readonly query: readonly string[];
  /** Whether a route of this path takes a method other than GET (a comment write). */
  readonly writes: boolean;
}

/**
 * The API's behaviors, from the route table, longest paths first: CloudFront takes the first pattern that matches,
 * and `*` matches slashes too, so the pattern of `/articles/{id}` must come after that of `/articles/{id}/related`.
 */
export function apiPathBehaviors(): ApiPathBehavior[] {
  const templates = [...new Set(API_ROUTES.map((route) => route.template))];
  const segments = (template: string) => template.split('/').length;
  return templates
    .sort((a, b) => segments(b) - segments(a) || a.localeCompare(b))
    .map((template) => {
      const routes = API_ROUTES.filter((route) => route.template === template);
      return {
        pattern: template.replace(/\{[^}]+\}/g, '*'),
        query: routes.find((route) => route.method === 'GET')?.query ?? [],
        writes: routes.some((route) => route.method !== 'GET'),
      };
    });
}

/** `https://abc.execute-api.eu-west-1.amazonaws.com` without its scheme, as CloudFront wants an origin. */
function apiDomainName(httpApi: IHttpApi): string {
  return Fn.select(2, Fn.split('/', httpApi.apiEndpoint));
}
