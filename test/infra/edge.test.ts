/**
 * The read path at the edge: the WAF web ACL (its own stack in us-east-1, on in prod, `-c waf=true` elsewhere), its
 * metrics on the dashboard, the execute-api endpoint disabled when the API has a domain for CloudFront to reach it
 * by (kept with `-c keepExecuteApi=true`), and the context values of all three.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppConfigError, buildApp } from '../../lib/app';
import { EdgeShield, EdgeStack, MANAGED_RULE_GROUPS, RATE_RULE_NAME } from '../../lib/edge-shield';
import { removeAssembly, resourcesOfType, synthApp, type SynthesizedApp } from './synth-app';

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

let prod: SynthesizedApp;
let edgeTemplate: Template;

beforeAll(() => {
  prod = synthApp({ stage: 'prod', wafRateLimit: '1500', userAgent: 'AcmeNews/1.0 (+https://news.acme.example/bot)' }, { policyChecks: true });
  const assembly = prod.app.synth();
  edgeTemplate = Template.fromJSON(assembly.getStackByName('Newsweave-prod-edge').template);
}, 180_000);

afterAll(() => removeAssembly(prod));

type Resource = { Properties: Record<string, unknown> };
const distributionConfig = (synth: SynthesizedApp) =>
  (Object.values(resourcesOfType(synth.template, 'AWS::CloudFront::Distribution'))[0] as Resource).Properties.DistributionConfig as Record<string, unknown>;

describe('WAF in prod', () => {
  it('is a web ACL of scope CLOUDFRONT in its own stack in us-east-1, which the main stack waits for', () => {
    const app = buildApp({ context: { stage: 'prod', 'aws:cdk:bundling-stacks': [] }, policyChecks: false });
    expect(app.edge?.region).toBe('us-east-1');
    expect(app.edge?.stackName).toBe('Newsweave-prod-edge');
    expect(app.stack.dependencies).toContain(app.edge);
    edgeTemplate.resourceCountIs('AWS::WAFv2::WebACL', 1);
    edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', { Name: 'newsweave-prod-edge', Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const [aclId] = Object.keys(edgeTemplate.findResources('AWS::WAFv2::WebACL'));
    edgeTemplate.hasOutput(EdgeStack.WEB_ACL_ARN_OUTPUT, { Value: { 'Fn::GetAtt': [aclId, 'Arn'] } });
  });

  it('runs the AWS managed common (its comment-body rules only counting) and known-bad-inputs rules, then blocks a client IP over its rate', () => {
    const [acl] = Object.values(edgeTemplate.findResources('AWS::WAFv2::WebACL')) as Resource[];
    const rules = acl!.Properties.Rules as Record<string, unknown>[];
    expect(rules).toEqual([
      expect.objectContaining({
        Name: 'AWSManagedRulesCommonRuleSet',
        Priority: 0,
        // A comment quoting `<script>`, writing `../` or linking an IP address is text to the API, and a valid one can
        // be over 8 KB as JSON (escaped): the rules that read the body count, never block.
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: 'AWSManagedRulesCommonRuleSet',
            RuleActionOverrides: [
              { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
              { Name: 'GenericRFI_BODY', ActionToUse: { Count: {} } },
              { Name: 'GenericLFI_BODY', ActionToUse: { Count: {} } },
              { Name: 'EC2MetaDataSSRF_BODY', ActionToUse: { Count: {} } },
              { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
            ],
          },
        },
        OverrideAction: { None: {} },
      }),
      expect.objectContaining({
        Name: 'AWSManagedRulesKnownBadInputsRuleSet',
        Priority: 1,
        // Java exploit strings quoted in a comment are text to a Node.js API: the body rules count.
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: 'AWSManagedRulesKnownBadInputsRuleSet',
            RuleActionOverrides: [
              { Name: 'Log4JRCE_BODY', ActionToUse: { Count: {} } },
              { Name: 'JavaDeserializationRCE_BODY', ActionToUse: { Count: {} } },
            ],
          },
        },
        OverrideAction: { None: {} },
      }),
      expect.objectContaining({
        Name: RATE_RULE_NAME,
        Priority: 2,
        // API requests only: the reader page's own files (some thirty a load) would block readers who share an address.
        Statement: {
          RateBasedStatement: {
            Limit: 1500,
            AggregateKeyType: 'IP',
            EvaluationWindowSec: 300,
            ScopeDownStatement: {
              OrStatement: {
                Statements: ['/articles', '/topics', '/sources'].map((prefix) => ({
                  ByteMatchStatement: {
                    FieldToMatch: { UriPath: {} },
                    PositionalConstraint: 'STARTS_WITH',
                    SearchString: prefix,
                    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                  },
                })),
              },
            },
          },
        },
        Action: { Block: {} },
      }),
    ]);
    for (const rule of [acl!.Properties, ...rules]) {
      expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    }
  });

  it('screens the distribution: its WebACLId is the edge stack\'s output, read across regions', () => {
    expect(distributionConfig(prod).WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: 'Newsweave-prod-edge', Region: 'us-east-1', OutputName: EdgeStack.WEB_ACL_ARN_OUTPUT },
    });
  });

  it('puts its allowed and blocked requests, in all and per rule, on the dashboard, read from us-east-1', () => {
    const dashboard = Object.values(resourcesOfType(prod.template, 'AWS::CloudWatch::Dashboard'))[0]!;
    const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const waf = body.widgets.filter((widget) => widget.properties.title?.startsWith('WAF'));
    const series = waf.flatMap((widget) => widget.properties.metrics ?? []);
    // [namespace, metric, 'Rule', rule, 'WebACL', web ACL, options]
    const described = series.map((metric) => [metric[1], metric[3], metric[5], (metric[6] as { region?: string } | undefined)?.region]);
    expect(described).toEqual(
      expect.arrayContaining([
        ['AllowedRequests', 'ALL', 'newsweave-prod-edge', 'us-east-1'],
        ['BlockedRequests', 'ALL', 'newsweave-prod-edge', 'us-east-1'],
        ...[...MANAGED_RULE_GROUPS, RATE_RULE_NAME].map((rule) => ['BlockedRequests', rule, 'newsweave-prod-edge', 'us-east-1']),
      ]),
    );
    expect(series.every((metric) => metric[0] === 'AWS/WAFV2')).toBe(true);
  });

  it('leaves no cdk-nag or cfn-guard finding open in either stack, and needs no acknowledgement of WAF', () => {
    const open = (prod.pluginReports ?? []).flatMap((report) => report.violations.map((violation) => violation.ruleName));
    expect(open).toEqual([]);
    const acknowledged = (prod.pluginReports ?? []).flatMap((report) => report.suppressedViolations ?? []).map((violation) => violation.ruleName);
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
  });
});

describe('WAF elsewhere', () => {
  it('is off in dev by default: no edge stack, no WebACLId, no WAF widget', () => {
    const dev = buildApp({ context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] }, policyChecks: false });
    expect(dev.edge).toBeUndefined();
    const template = Template.fromStack(dev.stack);
    const config = (Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as Resource).Properties.DistributionConfig as Record<string, unknown>;
    expect(config.WebACLId).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).not.toContain('WAFV2');
  });

  it('is on in dev with -c waf=true, and off in prod with -c waf=false', () => {
    expect(buildApp({ context: { stage: 'dev', waf: 'true', 'aws:cdk:bundling-stacks': [] }, policyChecks: false }).edge?.stackName).toBe('Newsweave-dev-edge');
    expect(buildApp({ context: { stage: 'prod', waf: false, 'aws:cdk:bundling-stacks': [] }, policyChecks: false }).edge).toBeUndefined();
  });

  it('refuses a rate limit WAF would refuse', () => {
    const app = new App();
    expect(() => new EdgeShield(new EdgeStack(app, 'E', { stage: 'x' }), 'S', { stage: 'x', requestsPerIpPer5Minutes: 5 })).toThrow(/from 10/);
  });
});

describe('the execute-api endpoint', () => {
  it('is disabled when the API has a domain: CloudFront reaches the API there, over TLS 1.2', () => {
    const withDomain = synthApp({ stage: 'dev', apiDomain: 'api.news.example.org', apiCertificateArn: certificateArn });
    try {
      const api = Object.values(resourcesOfType(withDomain.template, 'AWS::ApiGatewayV2::Api'))[0]!;
      expect(api.Properties.DisableExecuteApiEndpoint).toBe(true);
      withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'api.news.example.org',
        DomainNameConfigurations: [{ CertificateArn: certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
      });
      const domainId = withDomain.logicalId(withDomain.stack.readApi.domainName!);
      withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
        ApiId: { Ref: withDomain.logicalId(withDomain.stack.readApi.httpApi) },
        DomainName: { Ref: domainId },
        Stage: '$default',
      });
      const origins = distributionConfig(withDomain).Origins as { DomainName: unknown; CustomOriginConfig?: unknown }[];
      expect(origins.find((origin) => origin.CustomOriginConfig)?.DomainName).toEqual({ Ref: domainId });
      withDomain.template.hasOutput('ApiDomainTarget', { Value: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] } });
    } finally {
      removeAssembly(withDomain);
    }
  });

  it('is kept for API-only deployments with -c keepExecuteApi=true', () => {
    const kept = buildApp({
      context: { stage: 'dev', apiDomain: 'api.news.example.org', apiCertificateArn: certificateArn, keepExecuteApi: 'true', 'aws:cdk:bundling-stacks': [] },
      policyChecks: false,
    });
    Template.fromStack(kept.stack).hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
  });
});

describe('the distribution secret', () => {
  const secretOf = (template: Template) => Object.keys(template.findResources('AWS::SecretsManager::Secret'));
  const dynamicReference = (secretId: string) => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });

  it('is added by CloudFront to every request it sends the API and required by the API function, by dynamic reference only', () => {
    const app = buildApp({ context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] }, policyChecks: false });
    const template = Template.fromStack(app.stack);
    const [secretId] = secretOf(template);
    expect(secretId).toBeDefined();
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
    const config = (Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as Resource).Properties.DistributionConfig as {
      Origins: { CustomOriginConfig?: unknown; OriginCustomHeaders?: unknown }[];
    };
    const apiOrigin = config.Origins.find((origin) => origin.CustomOriginConfig);
    expect(apiOrigin?.OriginCustomHeaders).toEqual([{ HeaderName: 'x-newsweave-origin', HeaderValue: dynamicReference(secretId!) }]);
    const id = app.stack.getLogicalId(app.stack.readApi.handler.function.node.defaultChild as never);
    expect(template.toJSON().Resources[id].Properties.Environment.Variables.ORIGIN_SECRET).toEqual(dynamicReference(secretId!));
    // The value is never in the template itself.
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString":\s*"/);
  });

  it('is absent for API-only deployments (-c keepExecuteApi=true): clients call the API directly', () => {
    const kept = buildApp({
      context: { stage: 'dev', apiDomain: 'api.news.example.org', apiCertificateArn: certificateArn, keepExecuteApi: 'true', 'aws:cdk:bundling-stacks': [] },
      policyChecks: false,
    });
    const template = Template.fromStack(kept.stack);
    expect(secretOf(template)).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('x-newsweave-origin');
    expect(JSON.stringify(template.toJSON())).not.toContain('ORIGIN_SECRET');
  });
});

describe('context values of the read path', () => {
  it('takes the API\'s reserved concurrency and X-Ray tracing from the context', () => {
    const app = buildApp({ context: { stage: 'dev', apiReservedConcurrency: '5', apiTracing: 'true', 'aws:cdk:bundling-stacks': [] }, policyChecks: false });
    const template = Template.fromStack(app.stack);
    const id = app.stack.getLogicalId(app.stack.readApi.handler.function.node.defaultChild as never);
    expect(template.toJSON().Resources[id].Properties).toMatchObject({ ReservedConcurrentExecutions: 5, TracingConfig: { Mode: 'Active' } });
  });

  it.each([
    [{ waf: 'yes' }, 'context "waf": expected true or false'],
    [{ wafRateLimit: 'many' }, 'context "wafRateLimit": expected a whole number, 10 or more, not "many"'],
    [{ stage: 'prod', wafRateLimit: '5' }, 'context "wafRateLimit": expected a whole number, 10 or more, not "5"'],
    [{ apiReservedConcurrency: '0' }, 'context "apiReservedConcurrency": expected a whole number, 1 or more'],
    [{ apiDomain: 'api.news.example.org' }, 'give both or neither'],
    [{ apiDomain: 'API.example', apiCertificateArn: certificateArn }, 'context "apiDomain"'],
    [{ apiDomain: 'api.news.example.org', apiCertificateArn: 'arn:aws:iam::123456789012:role/x' }, 'context "apiCertificateArn"'],
    [{ keepExecuteApi: 'maybe' }, 'context "keepExecuteApi"'],
  ])('refuses the context %j', (context, message) => {
    expect(() => buildApp({ context, policyChecks: false })).toThrow(AppConfigError);
    expect(() => buildApp({ context, policyChecks: false })).toThrow(message);
  });
});
