/**
 * The reader page as a static site (lib/reader-site.ts): a private bucket that only the distribution can read,
 * HTTPS only, security headers, the API served on the same origin, and the page deployed as it is in web/reader.
 * One dev synth with the policy checks (as `cdk synth` runs them), plus a small prod-like stack of the construct alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { API_ROUTES } from '../../lib/read-api';
import { apiPathBehaviors } from '../../lib/api-edge-behaviors';
import { READER_SITE_CSP, ReaderSite, readerSiteCsp } from '../../lib/reader-site';
import { removeAssembly, resourcesOfType, synthApp, type SynthesizedApp } from './synth-app';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ stage: 'dev', userAgent: 'AcmeNews/1.0 (+https://news.acme.example/bot)' }, { policyChecks: true });
}, 180_000);

afterAll(() => removeAssembly(synth));

type Props = Record<string, unknown>;
const resource = (construct: Parameters<SynthesizedApp['logicalId']>[0]) =>
  synth.template.toJSON().Resources[synth.logicalId(construct)] as { Properties: Props; DeletionPolicy?: string };

interface CacheBehavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
}
interface DistributionConfig {
  DefaultRootObject: string;
  DefaultCacheBehavior: CacheBehavior;
  CacheBehaviors: CacheBehavior[];
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: Props;
    CustomOriginConfig?: Props;
  }[];
  Logging?: Props;
  CustomErrorResponses?: Props[];
}
const distribution = () => resource(synth.stack.readerSite.distribution).Properties.DistributionConfig as DistributionConfig;

/** CloudFront's path patterns: `*` any run of characters, `?` one character, case-sensitive, whole path. */
const matches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(path);

describe('reader site: the bucket', () => {
  it('blocks all public access, encrypts, keeps versions a month and logs its access', () => {
    const bucket = resource(synth.stack.readerSite.bucket).Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LifecycleConfiguration).toMatchObject({
      Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }],
    });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: synth.logicalId(synth.stack.readerSite.accessLogsBucket) },
      LogFilePrefix: 's3/',
    });
  });

  it('lets only this distribution read it, and refuses any request without TLS', () => {
    const bucketId = synth.logicalId(synth.stack.readerSite.bucket);
    const policies = Object.values(resourcesOfType(synth.template, 'AWS::S3::BucketPolicy')).filter(
      (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties.PolicyDocument as { Statement: Props[] }).Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    const readers = allows.filter((statement) => JSON.stringify(statement.Principal).includes('cloudfront.amazonaws.com'));
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatchObject({
      Action: 's3:GetObject',
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': ['', expect.arrayContaining([{ Ref: synth.logicalId(synth.stack.readerSite.distribution) }])],
          },
        },
      },
    });
    // Everything else allowed is the deployment function's role (and dev's auto-delete); nobody is '*'.
    for (const statement of allows) expect(JSON.stringify(statement.Principal)).not.toMatch(/"\*"/);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('reader site: the distribution', () => {
  it('reads the bucket through Origin Access Control, signing every request', () => {
    const oacs = Object.entries(resourcesOfType(synth.template, 'AWS::CloudFront::OriginAccessControl'));
    expect(oacs).toHaveLength(1);
    const [oacId, oac] = oacs[0]!;
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const s3Origin = distribution().Origins.find((origin) => origin.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(s3Origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(s3Origin?.DomainName).toEqual({
      'Fn::GetAtt': [synth.logicalId(synth.stack.readerSite.bucket), 'RegionalDomainName'],
    });
  });

  it('redirects HTTP to HTTPS on every path, reaches the API over TLS 1.2 only, serves index.html at / and logs', () => {
    const config = distribution();
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviors.length).toBeGreaterThan(1);
    for (const behavior of behaviors) expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const apiOrigin = config.Origins.find((origin) => origin.CustomOriginConfig);
    expect(apiOrigin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [synth.logicalId(synth.stack.readerSite.accessLogsBucket), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });

  it('sends every API route to the HTTP API of this stack through its own behavior, and the page\'s own files to the bucket', () => {
    const config = distribution();
    const apiOrigin = config.Origins.find((origin) => origin.CustomOriginConfig)!;
    expect(apiOrigin.DomainName).toEqual({
      'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [synth.logicalId(synth.stack.readApi.httpApi), 'ApiEndpoint'] }] }],
    });
    const apiPatterns = config.CacheBehaviors.filter((behavior) => behavior.TargetOriginId === apiOrigin.Id).map((behavior) => behavior.PathPattern!);
    // In CloudFront's order, which is the order of evaluation: the first pattern that matches wins.
    expect(apiPatterns).toEqual(apiPathBehaviors().map((behavior) => behavior.pattern));
    expect(apiPatterns).toEqual([
      '/articles/*/comments/*', '/articles/*/comments', '/articles/*/related', '/topics/*/articles', '/articles/*', '/articles', '/sources',
    ]);
    const firstMatch = (path: string) => apiPatterns.find((pattern) => matches(pattern, path));
    for (const route of API_ROUTES) {
      const path = route.template.replace('{id}', 'a1b2c3').replace('{topic}', 'wildfire').replace('{commentId}', '01JDR3V9Q4X8K2M6N7P0S5T1W1');
      labelled(path, () => expect(firstMatch(path)).toBe(route.template.replace(/\{[^}]+\}/g, '*')));
    }
    for (const file of ['/', '/index.html', '/config.js', '/assets/reader.js', '/assets/site.css']) labelled(file, () => expect(firstMatch(file)).toBeUndefined());
  });

  it('keys each API path\'s cache on the query parameters its route reads, Authorization on the comment paths only, and nothing else', () => {
    const config = distribution();
    const apiOriginId = config.Origins.find((origin) => origin.CustomOriginConfig)!.Id;
    const apiBehaviors = config.CacheBehaviors.filter((behavior) => behavior.TargetOriginId === apiOriginId);
    const policies = resourcesOfType(synth.template, 'AWS::CloudFront::CachePolicy');
    const keyOf = (behavior: CacheBehavior) => {
      const [id] = Object.entries(policies).find(([candidate]) => JSON.stringify({ Ref: candidate }) === JSON.stringify(behavior.CachePolicyId))!;
      return policies[id]!.Properties.CachePolicyConfig as { ParametersInCacheKeyAndForwardedToOrigin: Props } & Props;
    };
    const queryKey = Object.fromEntries(
      apiBehaviors.map((behavior) => [behavior.PathPattern, keyOf(behavior).ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig]),
    );
    expect(queryKey).toEqual({
      '/articles': { QueryStringBehavior: 'whitelist', QueryStrings: ['source', 'limit', 'cursor', 'q'] },
      '/articles/*': { QueryStringBehavior: 'none' },
      '/articles/*/related': { QueryStringBehavior: 'whitelist', QueryStrings: ['limit'] },
      '/articles/*/comments': { QueryStringBehavior: 'whitelist', QueryStrings: ['limit', 'cursor'] },
      '/articles/*/comments/*': { QueryStringBehavior: 'none' },
      '/topics/*/articles': { QueryStringBehavior: 'whitelist', QueryStrings: ['limit', 'cursor'] },
      '/sources': { QueryStringBehavior: 'none' },
    });
    // The same list the handler accepts, route by route.
    for (const behavior of apiPathBehaviors()) {
      const get = API_ROUTES.find((route) => route.method === 'GET' && route.template.replace(/\{[^}]+\}/g, '*') === behavior.pattern);
      labelled(behavior.pattern, () => expect(behavior.query).toEqual(get?.query ?? []));
    }
    // One policy per distinct list, with Authorization or without: six.
    expect(Object.keys(policies)).toHaveLength(6);
    for (const behavior of apiBehaviors) {
      // In the key of the comment paths so that CloudFront passes it on to the comment writes (the page sends it on
      // nothing else); elsewhere a client's token would only give it a cache of its own.
      const signed = behavior.PathPattern!.includes('/comments');
      labelled(behavior.PathPattern!, () =>
        expect(keyOf(behavior)).toMatchObject({
          DefaultTTL: 0,
          MinTTL: 0,
          MaxTTL: 300,
          ParametersInCacheKeyAndForwardedToOrigin: {
            HeadersConfig: signed ? { HeaderBehavior: 'whitelist', Headers: ['Authorization'] } : { HeaderBehavior: 'none' },
            CookiesConfig: { CookieBehavior: 'none' },
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: true,
          },
        }),
      );
    }
  });

  it('forwards to the API only the cache key and Content-Type (never Host, other parameters or cookies), and caches errors not at all', () => {
    const config = distribution();
    const apiOriginId = config.Origins.find((origin) => origin.CustomOriginConfig)!.Id;
    const apiBehaviors = config.CacheBehaviors.filter((behavior) => behavior.TargetOriginId === apiOriginId);
    const requestPolicies = Object.entries(resourcesOfType(synth.template, 'AWS::CloudFront::OriginRequestPolicy'));
    expect(requestPolicies).toHaveLength(1);
    const [requestPolicyId, requestPolicy] = requestPolicies[0]!;
    for (const behavior of apiBehaviors) expect(behavior.OriginRequestPolicyId).toEqual({ Ref: requestPolicyId });
    expect(requestPolicy.Properties.OriginRequestPolicyConfig).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Content-Type'] },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
    // Comment writes (POST, DELETE) pass only on the comment paths; every other API path takes GET and HEAD.
    for (const behavior of apiBehaviors) {
      const methods = (behavior as unknown as { AllowedMethods: string[] }).AllowedMethods;
      labelled(behavior.PathPattern!, () =>
        expect(methods).toEqual(
          behavior.PathPattern!.startsWith('/articles/*/comments') ? ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'] : ['GET', 'HEAD'],
        ),
      );
    }
    // An error is not kept for CloudFront's default 10 s, and none is turned into a page. CloudFront honours the
    // API's no-store only on 404, 414 and 501: every other code it caches (400, 403, 405, 5xx) needs a TTL of 0 here,
    // 405 included (a GET on the DELETE-only path /articles/{id}/comments/{commentId}).
    expect(config.CustomErrorResponses).toEqual(
      [400, 403, 404, 405, 414, 500, 501, 502, 503, 504].map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })),
    );
    // Only the codes CloudFront's CustomErrorResponse takes (CloudFormation refuses a distribution with another).
    const allowed = new Set([400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]);
    for (const response of config.CustomErrorResponses as { ErrorCode: number }[]) expect(allowed.has(response.ErrorCode)).toBe(true);
  });

  it('adds security headers to every answer: a CSP that connects only to its own origin and the managed login, HSTS, nosniff, no framing', () => {
    const policies = Object.entries(resourcesOfType(synth.template, 'AWS::CloudFront::ResponseHeadersPolicy'));
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0]!;
    const config = distribution();
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
    const headers = (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Props }).SecurityHeadersConfig;
    const signInOrigin = 'https://${Token[Domain]}.auth.${Token[AWS.Region]}.amazoncognito.com';
    const csp = (headers.ContentSecurityPolicy as { ContentSecurityPolicy: { 'Fn::Join': [string, unknown[]] } }).ContentSecurityPolicy;
    const text = csp['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : (part as { Ref: string }).Ref === 'AWS::Region' ? '${Token[AWS.Region]}' : '${Token[Domain]}')).join('');
    expect(text).toBe(readerSiteCsp(signInOrigin));
    expect(csp['Fn::Join'][1]).toContainEqual({ Ref: synth.logicalId(synth.stack.identity.domain) });
    expect(headers).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
    });
    const directives = Object.fromEntries(
      text.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
    );
    expect(directives['connect-src']).toEqual(["'self'", signInOrigin]);
    expect(READER_SITE_CSP).toContain("connect-src 'self';");
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['img-src']).not.toContain('http:');
  });
});

describe('reader site: the deployment', () => {
  it('copies web/reader as it is but for config.js, which it writes with the API on the page\'s own origin and the managed login, then invalidates', () => {
    const deployments = Object.values(resourcesOfType(synth.template, 'Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const deployment = deployments[0]!.Properties;
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: synth.logicalId(synth.stack.readerSite.bucket) },
      DistributionId: { Ref: synth.logicalId(synth.stack.readerSite.distribution) },
      DistributionPaths: ['/*'],
      Prune: true,
      // Browsers revalidate every file, so no tab mixes modules of two deployments; the edge keeps them a day.
      SystemMetadata: { 'cache-control': 'public, max-age=0, must-revalidate, s-maxage=86400' },
    });
    const keys = deployment.SourceObjectKeys as string[];
    expect(keys).toHaveLength(2);
    const assetDir = (key: string) => join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    for (const file of ['index.html', 'assets/reader.js', 'assets/api.js', 'assets/comments.js', 'assets/auth.js', 'assets/site.css']) {
      labelled(file, () => expect(existsSync(join(assetDir(keys[0]!), file))).toBe(true));
    }
    // The shipped config.js is the local stack's (its development sign-in): it is not deployed.
    expect(existsSync(join(assetDir(keys[0]!), 'config.js'))).toBe(false);
    expect(readFileSync(join(assetDir(keys[0]!), 'index.html'), 'utf8')).toContain('<meta name="newsweave-api" content="">');
    // The page reads the API's base from config.js, then from the meta tag; both empty means "this origin".
    const config = readFileSync(join(assetDir(keys[1]!), 'config.js'), 'utf8');
    expect(config).toContain("window.NEWSWEAVE_API = '';");
    const auth = JSON.parse(/window\.NEWSWEAVE_AUTH = (.+);/.exec(config)![1]!);
    const markers = (deployment.SourceMarkers as Record<string, unknown>[])[1]!;
    const resolve = (text: string) => text.replace(/<<marker:0xbaba:\d+>>/g, (marker) => JSON.stringify(markers[marker]));
    expect(resolve(auth.domain)).toBe(`https://${JSON.stringify({ Ref: synth.logicalId(synth.stack.identity.domain) })}.auth.${JSON.stringify({ Ref: 'AWS::Region' })}.amazoncognito.com`);
    expect(resolve(auth.clientId)).toBe(JSON.stringify({ Ref: synth.logicalId(synth.stack.identity.readerClient) }));
    expect(resolve(auth.redirectUri)).toBe(`https://${JSON.stringify({ 'Fn::GetAtt': [synth.logicalId(synth.stack.readerSite.distribution), 'DomainName'] })}`);
    expect(auth).toMatchObject({ kind: 'cognito', scope: 'openid' });
  });

  it('outputs the site\'s HTTPS address', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const reader = Object.entries(outputs).find(([id]) => id.startsWith('ReaderUrl'));
    expect(reader?.[1].Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [synth.logicalId(synth.stack.readerSite.distribution), 'DomainName'] }]],
    });
  });
});

describe('reader site: policy checks', () => {
  const sitePaths = (paths: readonly string[]) => paths.filter((path) => /ReaderSite|CDKBucketDeployment|S3AutoDeleteObjects/.test(path));

  it('leaves no cdk-nag or cfn-guard finding open in the synth\'s report', () => {
    const nag = new AwsSolutionsChecks().validateScope(synth.app).violations;
    expect(nag.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
    const reports = synth.pluginReports ?? [];
    expect(reports.map((report) => report.pluginName)).toContain('cdk-validator-cfnguard');
    const open = reports.flatMap((report) => report.violations.map((v) => `${report.pluginName} ${v.ruleName}`));
    expect(open).toEqual([]);
  });

  it('acknowledges the site\'s findings with a reason each, and every acknowledgement is used', () => {
    const suppressed = (synth.pluginReports ?? []).flatMap((report) => report.suppressedViolations ?? []);
    const site = suppressed.filter((violation) => sitePaths((violation.violatingConstructs ?? []).map((c) => c.constructPath ?? '')).length > 0);
    for (const violation of site) labelled(violation.ruleName, () => expect(violation.reason).toMatch(/\w{4,}.*\w{4,}/));
    const rules = new Set(site.map((violation) => violation.ruleName));
    // Each cfn-guard rule the construct acknowledges, found and suppressed: none is acknowledged for nothing.
    for (const rule of [
      'cloudfront_custom_ssl_certificate_check',
      'cloudfront_origin_failover_enabled_check',
      'cloudfront_security_policy_check',
      'cloudfront_sni_enabled_check',
      's3_bucket_acl_prohibited_check',
      's3_bucket_default_encryption_kms_check',
      's3_bucket_object_lock_enabled_check',
      's3_event_notifications_enabled_check',
      'lambda_inside_vpc_check',
    ]) {
      labelled(rule, () => expect([...rules].some((name) => name.includes(rule))).toBe(true));
    }
  });
});

describe('reader site: prod', () => {
  const prodSite = () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Site');
    const site = new ReaderSite(stack, 'ReaderSite', { httpApi: new HttpApi(stack, 'Api'), removalPolicy: RemovalPolicy.RETAIN });
    return { site, template: Template.fromStack(stack) };
  };

  it('keeps both buckets when the stack goes, and brings no function that empties them', () => {
    const { template } = prodSite();
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) expect(bucket.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('refuses an access-log retention that is not a positive number of days', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new ReaderSite(stack, 'Site', { httpApi: new HttpApi(stack, 'Api'), accessLogDays: 0 })).toThrow(/accessLogDays/);
  });
});
