import { CfnElement, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ReaderIdentity } from './identity';
import { acknowledgeLogGroup } from './newsweave-function';
import { API_ROUTES } from './read-api';

/**
 * What the reader page may load. The API is served on the site's own origin (see ReaderSite), so `connect-src` is
 * 'self', plus the managed login's origin when readers sign in (the page trades the sign-in code for tokens there);
 * images come from the publishers, over HTTPS only.
 */
export function readerSiteCsp(signInOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    signInOrigin ? `connect-src 'self' ${signInOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy without sign-in; the local stack's sign-in is on the page's own origin, so this is its policy too. */
export const READER_SITE_CSP = readerSiteCsp();

/** What the deployed page's config.js says: the API on the same origin, and where readers sign in. */
export function readerConfigScript(signIn?: { readonly loginUrl: string; readonly clientId: string; readonly redirectUri: string }): string {
  const lines = ["window.NEWSWEAVE_API = '';"];
  if (signIn) {
    const auth = { kind: 'cognito', domain: signIn.loginUrl, clientId: signIn.clientId, redirectUri: signIn.redirectUri, scope: 'openid' };
    lines.push(`window.NEWSWEAVE_AUTH = ${JSON.stringify(auth)};`);
  }
  return `// Written by lib/reader-site.ts at deployment.\n${lines.join('\n')}\n`;
}

export interface ReaderSiteProps {
  /** The read API the page calls; its routes are served through the site's distribution, on the same origin. */
  readonly httpApi: IHttpApi;
  /**
   * Where CloudFront reaches the API: its custom domain, when the execute-api endpoint is off.
   * @default - the host of the API's execute-api endpoint
   */
  readonly apiOriginDomainName?: string;
  /**
   * The ARN of an AWS WAF web ACL of scope CLOUDFRONT (in us-east-1; lib/edge-shield.ts) that screens every request.
   * @default - no WAF
   */
  readonly webAclArn?: string;
  /**
   * Where readers sign in to comment: the site registers itself as the pool's reader client (its address is the
   * client's callback), allows the managed login's origin in its CSP, and writes both into config.js.
   * @default - no sign-in: comments are shown, read-only
   */
  readonly identity?: ReaderIdentity;
  /**
   * The directory of the static page.
   * @default 'web/reader'
   */
  readonly sourceDir?: string;
  /**
   * What happens to the buckets when they leave the stack. DESTROY empties them first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the deployment function's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Days the S3 and CloudFront access logs are kept.
   * @default 90
   */
  readonly accessLogDays?: number;
  /**
   * The edge locations that serve the site.
   * @default PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: PriceClass;
}

/**
 * The reader page as a static site: a private bucket behind CloudFront (Origin Access Control, HTTPS only, security
 * headers). The distribution also forwards the API's paths to the HTTP API, so the page calls its own origin: no
 * CORS, a `connect-src 'self'` policy (plus the managed login's origin), and the API's Cache-Control headers (30 s
 * lists, 5 min articles) take effect at the edge.
 */
export class ReaderSite extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;
  /** The pool's client for this page, when `identity` was given. */
  readonly readerClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: ReaderSiteProps) {
    super(scope, id);
    const accessLogDays = props.accessLogDays ?? 90;
    if (!Number.isInteger(accessLogDays) || accessLogDays < 1) {
      throw new Error('ReaderSite: accessLogDays must be a positive whole number of days');
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront's standard logs are delivered with an ACL grant, which needs ACLs enabled on this bucket.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(accessLogDays) }],
      removalPolicy,
      autoDeleteObjects,
    });
    acknowledgeBucket(this.accessLogsBucket, {
      'AwsSolutions-S1': 'This is the access-log bucket itself; logging it into itself would loop.',
      'cdk-validator-cfnguard::s3_bucket_logging_enabled_check':
        'This is the access-log bucket itself; logging it into itself would loop.',
      'cdk-validator-cfnguard::s3_bucket_versioning_enabled_check':
        'Access logs are written once and expire; versions would only keep deleted logs longer.',
      'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check':
        'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3).',
      'cdk-validator-cfnguard::s3_bucket_acl_prohibited_check':
        "CloudFront's standard logs are delivered through an ACL grant; the bucket still blocks all public access.",
    });
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions let an operator restore the previous page after a bad deployment; they expire after a month.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
      autoDeleteObjects,
    });

    acknowledgeBucket(this.bucket, {
      'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check':
        'The bucket holds the public page only; a KMS key would add a KMS call to every edge miss and protect nothing secret.',
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Newsweave reader: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: readerSiteCsp(props.identity?.loginUrl), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const apiOrigin = new HttpOrigin(props.apiOriginDomainName ?? apiDomainName(props.httpApi), {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    // One cache policy per set of query parameters a route reads (ROUTES in functions/api/match-route.ts): the key is
    // the path, those parameters and Authorization, so a parameter nobody reads cannot split the cache; the TTL is
    // whatever the API's Cache-Control says, capped. Authorization is in the key so that CloudFront passes it on (an
    // origin request policy may not): the page sends it only on comment writes, which are never cached, so public
    // reads still share one entry.
    const cachePolicies = new Map<string, CachePolicy>();
    const cachePolicyFor = (query: readonly string[]): CachePolicy => {
      const key = query.length > 0 ? query.join('-') : 'none';
      const existing = cachePolicies.get(key);
      if (existing) return existing;
      const policy = new CachePolicy(this, `ApiCache-${key}`, {
        comment: `Newsweave reader: the API, cached as its Cache-Control says; query parameters in the key: ${query.join(', ') || 'none'}`,
        defaultTtl: Duration.seconds(0),
        minTtl: Duration.seconds(0),
        maxTtl: Duration.minutes(5),
        queryStringBehavior: query.length > 0 ? CacheQueryStringBehavior.allowList(...query) : CacheQueryStringBehavior.none(),
        headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
      cachePolicies.set(key, policy);
      return policy;
    };
    // What reaches the API besides the cache key: the body's Content-Type (comment writes), no other header, query
    // parameter or cookie. The Host header is the origin's own, the only name API Gateway answers to. A parameter a
    // route does not read is dropped here instead of refused by the API: the answer is the one the key names.
    const apiOriginRequest = new OriginRequestPolicy(this, 'ApiOriginRequest', {
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
      cachePolicy: cachePolicyFor(query),
      originRequestPolicy: apiOriginRequest,
      responseHeadersPolicy: securityHeaders,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Newsweave reader',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
      // In order: CloudFront takes the first pattern that matches, so the longer paths come first.
      additionalBehaviors: Object.fromEntries(apiPathBehaviors().map((behavior) => [behavior.pattern, apiBehavior(behavior)])),
      // CloudFront would keep an error for 10 s by default; the API says no-store (an article missing now may be
      // stored a second later), and the next request after a failure should reach the API again.
      errorResponses: [400, 404, 500, 502, 503, 504].map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });
    acknowledgeDistribution(this.distribution, props.webAclArn !== undefined);

    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    acknowledgeLogGroup(deploymentLogs);
    this.readerClient = props.identity?.addReaderClient(this.url);
    const signIn =
      props.identity && this.readerClient
        ? { loginUrl: props.identity.loginUrl, clientId: this.readerClient.userPoolClientId, redirectUri: this.url }
        : undefined;
    this.deployment = new BucketDeployment(this, 'Deployment', {
      // The shipped config.js is the local stack's; the deployed one is written here, with this stack's values.
      sources: [Source.asset(props.sourceDir ?? 'web/reader', { exclude: ['config.js'] }), Source.data('config.js', readerConfigScript(signIn))],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup: deploymentLogs,
      memoryLimit: 256,
    });
    acknowledgeDeploymentFunctions(this);
  }

  /** The site's address. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
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

/** The Control Tower bucket rules that do not fit a bucket whose objects are replaced or expire by design. */
function acknowledgeBucket(bucket: Bucket, reasons: Record<string, string>): void {
  const all: Record<string, string> = {
    'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check':
      'Objects here are replaced at every deployment or expire by lifecycle; a lock would forbid both.',
    'cdk-validator-cfnguard::s3_event_notifications_enabled_check': 'Nothing reacts to changes in this bucket.',
    ...reasons,
  };
  for (const [id, reason] of Object.entries(all)) Validations.of(bucket).acknowledge({ id, reason });
}

function acknowledgeDistribution(distribution: Distribution, hasWaf: boolean): void {
  const defaultDomain =
    'The site uses the default *.cloudfront.net name and certificate, whose TLS policy CloudFront sets; a custom domain needs a certificate this project does not own.';
  const reasons: Record<string, string> = {
    'AwsSolutions-CFR4': defaultDomain,
    'cdk-validator-cfnguard::cloudfront_custom_ssl_certificate_check': defaultDomain,
    'cdk-validator-cfnguard::cloudfront_sni_enabled_check': defaultDomain,
    'cdk-validator-cfnguard::cloudfront_security_policy_check': defaultDomain,
    'AwsSolutions-CFR1': 'Published news for readers anywhere: there is no country to block.',
    'cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check':
      'The bucket and the API live in one region with the rest of the stack; a second origin would have nothing to serve.',
  };
  if (!hasWaf) {
    reasons['AwsSolutions-CFR2'] =
      'WAF is off in this stage (context waf=true, the default in prod, turns it on): the stage throttle and the reserved concurrency bound what a flood costs.';
  }
  for (const [id, reason] of Object.entries(reasons)) Validations.of(distribution).acknowledge({ id, reason });
}

/**
 * The findings on the function BucketDeployment brings (aws-cdk-lib's own code, one per stack, run only while
 * CloudFormation deploys) and on the one that empties a destroyed bucket.
 */
function acknowledgeDeploymentFunctions(site: ReaderSite): void {
  const noVpc = 'The function runs only during deployment and talks to S3 and CloudFront APIs; a VPC would add NAT cost.';
  const role = site.deployment.handlerRole;
  const deploymentFunction = role.node.scope;
  if (deploymentFunction) {
    Validations.of(deploymentFunction).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: noVpc });
    Validations.of(deploymentFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "aws-cdk-lib picks the deployment function's runtime with its AWS CLI layer; it runs only during deployment.",
    });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed basic execution role only lets the deployment function write to CloudWatch Logs.',
  });
  const copyReason =
    "aws-cdk-lib's deployment function copies the page from the CDK asset bucket to the site bucket (prune included) and invalidates the distribution; its grants name both buckets.";
  for (const finding of [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    `Resource::<${Stack.of(site).getLogicalId(site.bucket.node.defaultChild as CfnElement)}.Arn>/*`,
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
  ]) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: copyReason });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudfront:CreateInvalidation and GetInvalidation are granted on * by aws-cdk-lib\'s deployment function.',
  });
  const autoDelete = Stack.of(site).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  if (autoDelete) {
    Validations.of(autoDelete).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: noVpc });
  }
}
