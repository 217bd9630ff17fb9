/**
 * The findings of the synth-time policy checks (cdk-nag's AwsSolutions, cfn-guard's Control Tower rules) that do not
 * apply to Newsweave, acknowledged with the reason, for the resources several constructs share in kind: functions,
 * log groups, buckets, the distribution. A finding only one construct meets is acknowledged there.
 */
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';

/** A Lambda function outside a VPC, on the AWS managed basic execution role; `anyResource` when its role grants `*`. */
export function acknowledgeLambda(
  fn: IConstruct | undefined,
  role: IRole | undefined,
  reasons: { readonly whose: string; readonly noVpc: string; readonly anyResource?: string },
): void {
  if (fn) Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: reasons.noVpc });
  if (!role) return;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `The AWS managed basic execution role only lets ${reasons.whose} write to CloudWatch Logs.`,
  });
  if (reasons.anyResource) Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: reasons.anyResource });
}

/**
 * The log-group findings of the Control Tower rules, with the reasons they do not apply here. `personalData` says what
 * personal data a log group holds, when it holds some.
 */
export function acknowledgeLogGroup(logGroup: LogGroup, personalData?: string): void {
  Validations.of(logGroup).acknowledge({
    id: 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
    reason: 'Operational logs are kept one month by default to bound cost; the retention is a prop of every construct.',
  });
  Validations.of(logGroup).acknowledge({
    id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    reason: personalData
      ? `CloudWatch Logs encrypts at rest with its own keys. ${personalData}`
      : 'CloudWatch Logs encrypts at rest with its own keys; the logs hold public article URLs and source names, no personal data.',
  });
}

/** The Control Tower bucket rules that do not fit a bucket whose objects are replaced or expire by design. */
export function acknowledgeBucket(bucket: Bucket, reasons: Record<string, string>): void {
  const all: Record<string, string> = {
    'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check':
      'Objects here are replaced at every deployment or expire by lifecycle; a lock would forbid both.',
    'cdk-validator-cfnguard::s3_event_notifications_enabled_check': 'Nothing reacts to changes in this bucket.',
    ...reasons,
  };
  for (const [id, reason] of Object.entries(all)) Validations.of(bucket).acknowledge({ id, reason });
}

export function acknowledgeDistribution(distribution: Distribution, hasWaf: boolean): void {
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
export function acknowledgeDeploymentFunctions(deployment: BucketDeployment, bucket: Bucket): void {
  const noVpc = 'The function runs only during deployment and talks to S3 and CloudFront APIs; a VPC would add NAT cost.';
  const role = deployment.handlerRole;
  const deploymentFunction = role.node.scope;
  acknowledgeLambda(deploymentFunction, role, { whose: 'the deployment function', noVpc });
  if (deploymentFunction) {
    Validations.of(deploymentFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "aws-cdk-lib picks the deployment function's runtime with its AWS CLI layer; it runs only during deployment.",
    });
  }
  const copyReason =
    "aws-cdk-lib's deployment function copies the page from the CDK asset bucket to the site bucket (prune included) and invalidates the distribution; its grants name both buckets.";
  for (const finding of [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    `Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/*`,
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
  ]) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: copyReason });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudfront:CreateInvalidation and GetInvalidation are granted on * by aws-cdk-lib\'s deployment function.',
  });
  const autoDelete = Stack.of(bucket).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  if (autoDelete) {
    Validations.of(autoDelete).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: noVpc });
  }
}
