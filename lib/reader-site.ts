import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ReaderIdentity } from './identity';
import { apiBehaviors } from './api-edge-behaviors';
import { acknowledgeBucket, acknowledgeDeploymentFunctions, acknowledgeDistribution, acknowledgeLogGroup } from './policy-acknowledgements';

/**
 * What the reader page may load. The API is served on the site's own origin (see ReaderSite), so `connect-src` is
 * 'self', plus the managed login's origin when readers sign in (the page trades the sign-in code for tokens there);
 * images come from the publishers, over HTTPS only.
 */

/** The reader's files: revalidated by browsers on every load, kept a day by CloudFront (invalidated by each deployment). */
export const READER_CACHE_CONTROL = 'public, max-age=0, must-revalidate, s-maxage=86400';
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
   * The value of the secret header CloudFront adds to every request it sends the API (lib/origin-secret.ts).
   * @default - none: the API takes requests from anywhere
   */
  readonly apiOriginSecret?: string;
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
      additionalBehaviors: apiBehaviors(this, {
        httpApi: props.httpApi,
        originDomainName: props.apiOriginDomainName,
        originSecret: props.apiOriginSecret,
        responseHeadersPolicy: securityHeaders,
      }),
      // CloudFront would keep an error for 10 s by default; the API says no-store (an article missing now may be
      // stored a second later), and the next request after a failure should reach the API again. CloudFront honours
      // no-store only on 404, 414 and 501, so every code it caches is here, 405 too (a GET on the DELETE-only comment
      // path). 429 is not a code CloudFront takes here (CloudFormation refuses the distribution), and it caches none;
      // nor does it cache 416.
      errorResponses: [400, 403, 404, 405, 414, 500, 501, 502, 503, 504].map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
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
      // Browsers revalidate every file (an ETag answers 304), so a tab never runs a new module beside an old one
      // after a deployment; the edge keeps them a day, until the deployment's invalidation.
      cacheControl: [CacheControl.fromString(READER_CACHE_CONTROL)],
    });
    acknowledgeDeploymentFunctions(this.deployment, this.bucket);
  }

  /** The site's address. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
