/**
 * Synthesizes the Newsweave app the way `cdk synth` does (cdk.json's feature flags plus the given context), but
 * by default without bundling the Lambda code, so that the infrastructure tests neither wait for esbuild nor
 * depend on the handlers compiling. Bundling itself is tested in bundling.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app';
import type { NewsweaveStack } from '../../lib/newsweave-stack';

export interface Violation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
}
export interface PluginReport {
  readonly pluginName: string;
  readonly violations: readonly Violation[];
  readonly suppressedViolations?: readonly (Violation & { readonly reason?: string })[];
}

export interface SynthesizedApp {
  readonly app: App;
  /** The cloud assembly's directory (bundled assets are `asset.<hash>` directories in it). */
  readonly outdir: string;
  readonly stack: NewsweaveStack;
  readonly template: Template;
  /** The validation report the policy plugins wrote into the cloud assembly, or null without policy checks. */
  readonly pluginReports: readonly PluginReport[] | null;
  /** The logical ID CloudFormation knows a construct's resource by. */
  logicalId(construct: IConstruct): string;
}

const cdkJsonContext = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<string, unknown>;

export interface SynthOptions {
  /** Run cdk-nag and cfn-guard, as `cdk synth` does. */
  readonly policyChecks?: boolean;
  /** Bundle the Lambda code with esbuild, as `cdk synth` does. */
  readonly bundling?: boolean;
}

export function synthApp(context: Record<string, unknown>, options: SynthOptions = {}): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'newsweave-cdk-'));
  const { app, stack } = buildApp({
    context: { ...cdkJsonContext, ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
    outdir,
    policyChecks: options.policyChecks ?? false,
    builtinValidation: false,
  });
  // The policy plugins' report, which the CDK prints through console.error at synth (the default User-Agent and
  // unwatched-schedule warnings of nearly every app here), stays out of the test log: it is read from its file.
  const assembly = quietly(() => app.synth());
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  const reportFile = join(assembly.directory, 'validation-report.json');
  const pluginReports = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')).pluginReports as PluginReport[])
    : null;
  return {
    app,
    outdir: assembly.directory,
    stack,
    template,
    pluginReports,
    logicalId: (construct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement),
  };
}

/**
 * Runs `synthesize` (an app's `synth()`, or `Annotations.fromStack`, which synthesizes) without the policy plugins'
 * validation report, which the CDK prints as one console.error ending with where its copy is and the tests read from
 * the assembly instead. Anything else printed to the console's error stream still shows.
 */
export function quietly<T>(synthesize: () => T): T {
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].includes('A copy of this report can be found in'))) consoleError(...args);
  };
  try {
    return synthesize();
  } finally {
    console.error = consoleError;
  }
}

/** Deletes the cloud assembly (bundles included) once a file's tests are done. */
export function removeAssembly(synth: SynthesizedApp | undefined): void {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
}

/** A sources file in a temporary directory. */
export function writeSourcesFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'newsweave-sources-')), 'sources.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Every value of a CloudFormation resource property, in the shape the template holds it. */
export function resourcesOfType(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
