import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { apiPathBehaviors } from './api-edge-behaviors';

/** CloudFront takes only web ACLs of scope CLOUDFRONT, and those exist in us-east-1 alone. */
export const EDGE_REGION = 'us-east-1';

/** The managed rule groups, in the order they are evaluated (before the rate rule). */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;
/**
 * Rules of the common rule set that only count: every rule of it that reads the request body. The API's one request
 * body is a comment, stored as text and never made into markup, a path, a URL to fetch or a command (the page writes
 * it as text): a reader quoting `<script>`, writing `../`, or pasting a link to an IP address or to the instance
 * metadata address would be blocked (CloudFront's 403, no explanation) for a risk the API does not have. The size
 * rule blocks every body over 8 KB, and a valid comment (2,000 characters) is up to 24 KB as JSON when its client
 * escapes what is not ASCII (`\u4e2d`, as Python's `json.dumps` does by default): the API caps bodies itself (64 KB,
 * a 413 that says so: functions/api/validate.ts). Counted, they still show in WAF's metrics and samples.
 */
export const COUNTED_COMMON_RULES = [
  'CrossSiteScripting_BODY',
  'GenericRFI_BODY',
  'GenericLFI_BODY',
  'EC2MetaDataSSRF_BODY',
  'SizeRestrictions_BODY',
] as const;
/**
 * The same for the known-bad-inputs rule set: its rules that read the body look for exploit strings of Java servers
 * (`${jndi:ldap://…}`, serialized Java objects), which a comment about a security story quotes as text, and which no
 * part of this stack (Node.js, DynamoDB) interprets.
 */
export const COUNTED_KNOWN_BAD_INPUTS_RULES = ['Log4JRCE_BODY', 'JavaDeserializationRCE_BODY'] as const;
/** What each managed rule group only counts. */
const COUNTED_RULES: Record<(typeof MANAGED_RULE_GROUPS)[number], readonly string[]> = {
  AWSManagedRulesCommonRuleSet: COUNTED_COMMON_RULES,
  AWSManagedRulesKnownBadInputsRuleSet: COUNTED_KNOWN_BAD_INPUTS_RULES,
};
export const RATE_RULE_NAME = 'RequestsPerClientIp';
/**
 * What the rate rule counts: requests for the API, by the first segment of its routes' paths (`/articles`, `/topics`,
 * `/sources`). The reader page's own files are left out: a page load asks for some thirty of them (revalidated at
 * every load), which would spend a reader's allowance thirty times faster than the API calls it makes, and readers
 * behind one address (an office, a mobile carrier) would be blocked after a few dozen page loads. Those files are
 * static, answered by CloudFront or S3; a flood of them costs requests, not functions.
 */
export const RATE_LIMITED_PATH_PREFIXES: readonly string[] = [
  ...new Set(apiPathBehaviors().map(({ pattern }) => `/${pattern.split('/')[1]}`)),
];

export interface EdgeShieldProps {
  /** Names the web ACL and its metrics (`newsweave-<stage>-edge`). */
  readonly stage: string;
  /**
   * API requests one client IP address may make in five minutes before WAF blocks it, until its rate falls below
   * again (RATE_LIMITED_PATH_PREFIXES; the reader page's files do not count). Cached answers count too: WAF looks at
   * every request before the cache.
   * @default 2000
   */
  readonly requestsPerIpPer5Minutes?: number;
}

/**
 * An AWS WAF web ACL for the reader's distribution: AWS's managed common rules and known-bad-inputs rules, then a
 * rate-based rule per client IP. Requests none of them block are allowed. Its metrics are CloudWatch metrics of
 * us-east-1 (`AWS/WAFV2`), named after the ACL and its rules (EdgeShield.metric).
 */
export class EdgeShield extends Construct {
  readonly webAcl: CfnWebACL;
  readonly webAclName: string;

  constructor(scope: Construct, id: string, props: EdgeShieldProps) {
    super(scope, id);
    const limit = props.requestsPerIpPer5Minutes ?? 2000;
    // WAF's own bounds for a rate-based rule's limit.
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
      throw new Error(`EdgeShield: requestsPerIpPer5Minutes must be a whole number from 10 to 2000000000, not ${limit}`);
    }
    this.webAclName = edgeWebAclName(props.stage);
    const visibility = (metricName: string) => ({ metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      description: `Newsweave ${props.stage}: the reader and its API at the edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      rules: [
        ...MANAGED_RULE_GROUPS.map((name, index) => ({
          name,
          priority: index,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              ruleActionOverrides: COUNTED_RULES[name].map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility(name),
        })),
        {
          name: RATE_RULE_NAME,
          priority: MANAGED_RULE_GROUPS.length,
          statement: {
            rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300, scopeDownStatement: apiRequests() },
          },
          action: { block: {} },
          visibilityConfig: visibility(RATE_RULE_NAME),
        },
      ],
    });
  }
}

export function edgeWebAclName(stage: string): string {
  return `newsweave-${stage}-edge`;
}

/**
 * A web ACL's metric (`AllowedRequests`, `BlockedRequests`) for one of its rules or, with `ALL`, the whole ACL,
 * read from us-east-1 wherever the dashboard is.
 */
export function webAclMetric(webAclName: string, metricName: 'AllowedRequests' | 'BlockedRequests', rule = 'ALL'): Metric {
  return new Metric({
    namespace: 'AWS/WAFV2',
    metricName,
    dimensionsMap: { WebACL: webAclName, Rule: rule },
    region: EDGE_REGION,
    statistic: 'Sum',
    period: Duration.minutes(5),
    label: rule === 'ALL' ? metricName : `${rule} ${metricName}`,
  });
}

export interface EdgeStackProps extends StackProps, EdgeShieldProps {}

/**
 * The stack of the edge shield, always in us-east-1, beside the stack of everything else wherever that is. Its one
 * output, the web ACL's ARN, is read by the main stack with `Fn::GetStackOutput` (edgeWebAclArn), which crosses
 * regions without a custom resource and needs the main stack's region nowhere.
 */
export class EdgeStack extends Stack {
  static readonly WEB_ACL_ARN_OUTPUT = 'WebAclArn';
  readonly shield: EdgeShield;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, {
      description: `Newsweave (${props.stage}): the WAF web ACL of the reader's distribution`,
      ...props,
      env: { account: props.env?.account, region: EDGE_REGION },
    });
    this.shield = new EdgeShield(this, 'Shield', props);
    new CfnOutput(this, EdgeStack.WEB_ACL_ARN_OUTPUT, { value: this.shield.webAcl.attrArn, description: 'For the distribution (WebACLId)' });
  }

  /** The web ACL's ARN, as another stack (in any region) reads it. */
  get webAclArnForOtherStacks(): string {
    return Fn.getStackOutput(this.stackName, EdgeStack.WEB_ACL_ARN_OUTPUT, EDGE_REGION);
  }
}

/** A request for one of the API's paths (RATE_LIMITED_PATH_PREFIXES), as a WAF statement. */
function apiRequests(): CfnWebACL.StatementProperty {
  const startsWith = (prefix: string): CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  });
  const statements = RATE_LIMITED_PATH_PREFIXES.map(startsWith);
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}
