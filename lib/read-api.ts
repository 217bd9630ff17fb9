import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { DataIdentifier, DataProtectionPolicy, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type Route } from '../functions/api/match-route';
import { API_WRITABLE_PARTITION_PREFIXES } from '../functions/contracts/table-schema';
import { ENV } from '../functions/shared/config';
import { NewsweaveFunction } from './newsweave-function';
import { acknowledgeLogGroup } from './policy-acknowledgements';

/**
 * The API's routes, all served by one function (routing lives in functions/api): the table in
 * functions/api/match-route.ts, which also says which need a signed-in user.
 */
export const API_ROUTES: readonly Route[] = ROUTES;
export const PUBLIC_ROUTES = ROUTES.filter((route) => route.access === 'public');
export const SIGNED_IN_ROUTES = ROUTES.filter((route) => route.access === 'signed-in');

/** How long the API function may answer a request: its p99 latency alarm is bounded by it (monitoring-alarms.ts). */
export const API_FUNCTION_TIMEOUT = Duration.seconds(10);

export interface ReadApiProps {
  /** The table the API reads. */
  readonly table: ITable;
  /**
   * Origins allowed to call the API from a browser (CORS: GET, and POST and DELETE with Authorization). Empty: no CORS
   * headers at all. Only a direct call can use them: the distribution passes no Origin header on.
   * @default - no CORS
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Steady-state requests per second the default stage accepts before answering 429.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the default stage accepts in a burst.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of the API function's logs and of the access logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the API function.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Removal policy of the log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Concurrency reserved for the API function, which is also its cap: a flood of reads that gets past the edge and
   * the stage throttle cannot take the account's concurrency from ingestion.
   * @default 20
   */
  readonly reservedConcurrency?: number;
  /**
   * A custom domain for the API (`api.news.example.org`) with its ACM certificate, in the stack's region. CloudFront
   * then reaches the API there, which lets the execute-api endpoint be disabled.
   * @default - the API is reached at its execute-api endpoint only
   */
  readonly domain?: { readonly domainName: string; readonly certificate: ICertificate };
  /**
   * Turns off the `https://<id>.execute-api.<region>.amazonaws.com` endpoint, so that nothing reaches the API around
   * the distribution (its cache and its WAF). Needs `domain`: API Gateway then answers on the custom domain only.
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
  /**
   * X-Ray tracing of the API function. Off by default: API Gateway's and Lambda's metrics already give the API's
   * latency and errors, and traces of cached reads cost more than they show (docs/cost.md, "The read path").
   * @default Tracing.PASS_THROUGH
   */
  readonly tracing?: Tracing;
}

/**
 * The fields of each API access log line: enough to follow a request (id, time, route, status, latencies, the
 * integration's and the authorizer's errors) and to see who floods the API (the client address). No user agent, no
 * header, no token. Behind CloudFront the address is the edge's; the viewer's is in the distribution's logs.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

/** What the access logs hold that is personal data, said in their log group's data protection policy. */
export const ACCESS_LOG_PERSONAL_DATA =
  "API access logs hold one personal datum: the client's IP address (the CloudFront edge's when the distribution fronts the API). No user agent, cookie, token or request body. Kept as the stack's log retention says; the policy masks IP addresses for anyone without logs:Unmask.";

/**
 * The HTTP API: public reads of the stored articles, sources, topics and comments, and the comment writes, which
 * `requireSignIn` puts behind a JWT authorizer. Until it is called those routes reach the function through `$default`
 * without claims, and the function refuses them (401): closed by default.
 */
export class ReadApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly handler: NewsweaveFunction;
  readonly accessLogs: LogGroup;
  /** The API's custom domain, when it has one; its `regionalDomainName` is where the domain's DNS record points. */
  readonly domainName?: DomainName;
  private readonly integration: HttpLambdaIntegration;
  private authorizer?: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: ReadApiProps) {
    super(scope, id);
    const rateLimit = props.throttlingRateLimit ?? 50;
    const burstLimit = props.throttlingBurstLimit ?? 100;
    if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
      throw new Error('ReadApi: throttlingRateLimit must be above 0 and throttlingBurstLimit a positive integer');
    }
    const corsOrigins = props.corsOrigins ?? [];
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.handler = new NewsweaveFunction(this, 'Handler', {
      entry: 'functions/http-api.ts',
      description: 'Newsweave: the HTTP API',
      memorySize: 512,
      timeout: API_FUNCTION_TIMEOUT,
      reservedConcurrency: props.reservedConcurrency ?? 20,
      tracing: props.tracing ?? Tracing.PASS_THROUGH,
      // API Gateway's metrics and access logs already account for every call.
      quietSystemLogs: true,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
      removalPolicy,
    });
    this.handler.useTable(props.table, 'api');
    // Comments, their counts and the rate windows: the only items it writes, confined to their partitions.
    this.handler.writeItemsUnder(props.table, API_WRITABLE_PARTITION_PREFIXES);

    if (props.disableExecuteApiEndpoint && !props.domain) {
      throw new Error('ReadApi: disableExecuteApiEndpoint needs a domain, the only address API Gateway then answers on');
    }
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Newsweave API',
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
      corsPreflight:
        corsOrigins.length > 0
          ? {
              allowOrigins: [...corsOrigins],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.DELETE],
              // If-None-Match and ETag: a page that revalidates what it read (304s).
              allowHeaders: ['content-type', 'authorization', 'if-none-match'],
              // How long to wait after a 429 (the page says so).
              exposeHeaders: ['retry-after', 'etag'],
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
      dataProtectionPolicy: new DataProtectionPolicy({
        name: 'newsweave-api-access-logs',
        description: ACCESS_LOG_PERSONAL_DATA,
        identifiers: [DataIdentifier.IPADDRESS],
      }),
    });
    acknowledgeLogGroup(this.accessLogs, ACCESS_LOG_PERSONAL_DATA);
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    if (props.domain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.domain.domainName,
        certificate: props.domain.certificate,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'DomainMapping', { api: this.httpApi, domainName: this.domainName, stage: this.stage });
    }

    const integration = new HttpLambdaIntegration('Handler', this.handler.function);
    this.integration = integration;
    for (const { template, method } of PUBLIC_ROUTES) {
      const [route] = this.httpApi.addRoutes({ path: template, methods: [HttpMethod[method]], integration });
      if (route) acknowledgePublicRoute(route);
    }
    // Every other path and method reaches the same function too, so that a client gets the API's JSON 404 or 405
    // (with `Allow`) rather than API Gateway's bare {"message":"Not Found"}.
    acknowledgePublicRoute(
      new HttpRoute(this, 'DefaultRoute', { httpApi: this.httpApi, routeKey: HttpRouteKey.DEFAULT, integration }),
    );
  }

  /** Refuses every request that does not carry the distribution's secret header (functions/api/origin-check.ts). */
  requireOriginSecret(value: string): void {
    this.handler.function.addEnvironment(ENV.originSecret, value);
  }

  /**
   * Puts the signed-in routes (comment writes) behind a JWT authorizer that accepts the pool's access tokens issued
   * to `client`: signature by the pool's JWKS, issuer, `client_id`, expiry. Only those routes: every other stays public.
   */
  requireSignIn(userPool: IUserPool, client: IUserPoolClient): void {
    if (this.authorizer) throw new Error('ReadApi: requireSignIn() was called already');
    this.authorizer = new HttpUserPoolAuthorizer('Readers', userPool, {
      userPoolClients: [client],
      identitySource: ['$request.header.Authorization'],
    });
    for (const { template, method } of SIGNED_IN_ROUTES) {
      const [route] = this.httpApi.addRoutes({ path: template, methods: [HttpMethod[method]], integration: this.integration, authorizer: this.authorizer });
      if (route) acknowledgeInvokePermission(route);
    }
  }

  /** The API's base URL: its custom domain when it has one, else its execute-api endpoint (no path prefix). */
  get url(): string {
    return this.domainName ? `https://${this.domainName.name}/` : this.stage.url;
  }

  /** The host name CloudFront reaches the API at: the custom domain, or the execute-api endpoint's host. */
  get originDomainName(): string {
    return this.domainName ? this.domainName.name : Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
  }
}

/** The findings a public route raises, with why they are accepted. */
function acknowledgePublicRoute(route: HttpRoute): void {
  const publicByDesign =
    'Public by design: it serves published news and readers\' comments, and writes nothing (the write routes have a JWT authorizer; a write reaching this route is refused by the function).';
  Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: publicByDesign });
  Validations.of(route).acknowledge({
    id: 'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check',
    reason: publicByDesign,
  });
  acknowledgeInvokePermission(route);
}

function acknowledgeInvokePermission(route: HttpRoute): void {
  Validations.of(route).acknowledge({
    id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
    reason: "The invoke permission's SourceArn is this route's execute-api ARN, an Fn::Join the rule cannot evaluate.",
  });
}
