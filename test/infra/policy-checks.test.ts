/**
 * The policy checks bin/newsweave.ts runs at every synth: cdk-nag's AwsSolutions pack and cfn-guard's Control
 * Tower proactive controls. Every finding must be fixed or acknowledged with a reason.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { removeAssembly, synthApp, type SynthesizedApp } from './synth-app';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ stage: 'dev', alarmEmail: 'ops@example.com', userAgent: 'AcmeNews/1.0 (+https://news.acme.example/bot)' }, { policyChecks: true });
});

afterAll(() => removeAssembly(synth));

const findings = (report: ReturnType<AwsSolutionsChecks['validateScope']>): string[] =>
  report.violations.map((violation) => `${violation.severity} ${violation.ruleName}`);

describe('policy checks', () => {
  it('leave no cdk-nag AwsSolutions error or warning unacknowledged', () => {
    expect(findings(new AwsSolutionsChecks().validateScope(synth.app))).toEqual([]);
  });

  it('would report a resource that breaks the rules (the check above can fail)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Careless'), 'PlainQueue', { enforceSSL: false });
    expect(findings(new AwsSolutionsChecks().validateScope(app))).toEqual(
      expect.arrayContaining(['error AwsSolutions-SQS3', 'error AwsSolutions-SQS4']),
    );
  });

  it('leave nothing open in the synth\'s validation report, and every acknowledgement gives its reason', () => {
    const reports = synth.pluginReports ?? [];
    expect(reports.map((report) => report.pluginName)).toContain('cdk-validator-cfnguard');
    const open = reports.flatMap((report) => report.violations.map((v) => `${report.pluginName} ${v.severity} ${v.ruleName}`));
    expect(open).toEqual([]);
    const acknowledged = reports.flatMap((report) => report.suppressedViolations ?? []);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const violation of acknowledged) labelled(violation.ruleName, () => expect(violation.reason).toMatch(/\w{4,}.*\w{4,}/));
  });
});
