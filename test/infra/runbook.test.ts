/**
 * The runbook and the alarms: every alarm the stack deploys is named in docs/operations.md ("Alarms and what to do")
 * by the name CloudWatch shows in its notification, with the same severity, and every alarm the runbook names exists.
 * The prod stack, with its default sources (two schedules).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeAssembly, resourcesOfType, synthApp, type SynthesizedApp } from './synth-app';

interface RunbookEntry {
  /** As the runbook writes it: `DeadLetterBacklog`, or a pattern such as `Schedule-<schedule>-<hash>-Stopped`. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly severity: string;
}

/** The first two columns of the runbook's alarm table: the names (examples in parentheses left out) and the severity. */
function runbookEntries(): RunbookEntry[] {
  const text = readFileSync('docs/operations.md', 'utf8');
  const section = text.slice(text.indexOf('## Alarms and what to do'));
  const table = section.slice(0, section.indexOf('\n##'));
  const entries: RunbookEntry[] = [];
  for (const line of table.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 4) continue;
    const names = [...cells[0]!.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    for (const name of names) {
      const pattern = name
        .split(/(<[a-z]+>)/)
        .map((part) => (part === '<hash>' ? '[0-9a-f]{8}' : part.startsWith('<') ? '[a-z0-9-]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      entries.push({ name, pattern: new RegExp(`^${pattern}$`), severity: cells[1]!.trim() });
    }
  }
  return entries;
}

let synth: SynthesizedApp;
const entries = runbookEntries();

beforeAll(() => {
  synth = synthApp({ stage: 'prod' });
});

afterAll(() => removeAssembly(synth));

describe('the runbook', () => {
  const alarms = () =>
    Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm')).map((alarm) => ({
      name: alarm.Properties.AlarmName,
      description: String(alarm.Properties.AlarmDescription),
    }));
  const prefix = 'Newsweave-prod-';

  it('reads the alarm table', () => {
    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['DeadLetterBacklog', 'Schedule-<schedule>-<hash>-Stopped', 'ApiFunctionThrottled']));
  });

  it('names every alarm as CloudWatch names it (the stack name, then the runbook name), with its severity', () => {
    for (const alarm of alarms()) {
      expect(typeof alarm.name === 'string' && alarm.name.startsWith(prefix)).toBe(true);
      const name = String(alarm.name).slice(prefix.length);
      const matching = entries.filter((entry) => entry.pattern.test(name));
      expect({ alarm: name, runbook: matching.map((entry) => entry.name) }).toEqual({ alarm: name, runbook: [expect.any(String)] });
      expect(alarm.description).toMatch(new RegExp(`^Newsweave prod, ${matching[0]!.severity}: `));
    }
  });

  it('names no alarm that the stack does not deploy', () => {
    const names = alarms().map((alarm) => String(alarm.name).slice(prefix.length));
    for (const entry of entries) {
      expect({ runbook: entry.name, deployed: names.some((name) => entry.pattern.test(name)) }).toEqual({ runbook: entry.name, deployed: true });
    }
  });
});
