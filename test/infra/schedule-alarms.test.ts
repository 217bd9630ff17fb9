/**
 * The alarms that fire when a schedule's fetches stop: a rule disabled or deleted, its target failing, the fetcher
 * never running. Synthesized from sources files with short, daily, some-days-only and weekly schedules.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled } from '../support/labelled';
import { scheduleAlarmWindowMinutes } from '../../lib/monitoring-alarms';
import { quietly, removeAssembly, resourcesOfType, synthApp, writeSourcesFile, type SynthesizedApp } from './synth-app';

const source = (id: string, schedule: string) => ({ id, name: id, url: `https://${id}.example.com/rss.xml`, schedule });

const sources = [
  source('every-ten', 'rate(10 minutes)'),
  source('hourly', 'cron(0 * * * ? *)'),
  source('every-ten-too', 'rate(10 minutes)'),
  source('daily', 'cron(0 9 * * ? *)'),
  source('every-47-hours', 'rate(47 hours)'),
  source('every-three-days', 'rate(3 days)'),
  source('weekdays', 'cron(30 6 ? * MON-FRI *)'),
  source('weekly', 'rate(7 days)'),
];

type Resource = { Properties: Record<string, unknown> };
let synth: SynthesizedApp;
let reordered: SynthesizedApp;
let longOnly: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ stage: 'dev', sourcesFile: writeSourcesFile(sources), alarmEmail: 'ops@example.com' });
  // The same schedules, the sources in another order and one more on a schedule that exists.
  reordered = synthApp({
    stage: 'dev',
    sourcesFile: writeSourcesFile([...sources].reverse().concat(source('another-hourly', 'cron(0 * * * ? *)'))),
  });
  longOnly = synthApp({ stage: 'dev', sourcesFile: writeSourcesFile([source('weekly', 'rate(7 days)'), source('weekdays', 'cron(30 6 ? * MON-FRI *)')]) });
});

afterAll(() => {
  for (const each of [synth, reordered, longOnly]) removeAssembly(each);
});

const ruleIdOf = (app: SynthesizedApp, schedule: string): string => {
  const found = app.stack.ingestion.schedules.find((each) => each.expression === schedule);
  if (!found) throw new Error(`no rule for ${schedule}`);
  return app.logicalId(found.rule);
};

/** The alarms whose metric is of this namespace and name, by the logical ID of the alarm. */
const alarmsOn = (app: SynthesizedApp, namespace: string, metricName: string): [string, Resource][] =>
  Object.entries(resourcesOfType(app.template, 'AWS::CloudWatch::Alarm')).filter(
    ([, alarm]) => alarm.Properties.Namespace === namespace && alarm.Properties.MetricName === metricName,
  );

const deliveryAlarmOf = (app: SynthesizedApp, schedule: string): [string, Resource] | undefined => {
  const ruleRef = { Ref: ruleIdOf(app, schedule) };
  return alarmsOn(app, 'AWS/Events', 'SuccessfulInvocationAttempts').find(([, alarm]) =>
    JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'RuleName', Value: ruleRef }]),
  );
};

describe('scheduleAlarmWindowMinutes', () => {
  it.each([
    ['rate(1 minute)', 7],
    ['rate(10 minutes)', 25],
    ['rate(15 minutes)', 35],
    ['rate(1 hour)', 125],
    ['cron(0 * * * ? *)', 125],
    ['cron(*/5 * * * ? *)', 15],
    ['cron(0 9,17 * * ? *)', 2 * 960 + 5],
    ['cron(0 9 * * ? *)', 2 * 1440 + 5],
    ['rate(1 day)', 2 * 1440 + 5],
    ['rate(47 hours)', 2 * 2820 + 5],
    // The longest interval whose first run's data point comes within the 2 days an alarm may warm up, with 15 minutes
    // to spare.
    ['rate(2865 minutes)', 5735],
  ])('gives %s two intervals and 5 minutes: %i', (schedule, minutes) => {
    expect(scheduleAlarmWindowMinutes(schedule)).toBe(minutes);
  });

  it.each([
    // A new rule's first run would come after the alarm's warm-up (2 days at most): it would fire on every new rule.
    ['rate(2866 minutes)'],
    ['rate(2 days)'],
    ['rate(3 days)'],
    ['rate(4 days)'],
    ['rate(7 days)'],
    // No one interval: runs on some days only.
    ['cron(30 6 ? * MON-FRI *)'],
    ['cron(0 12 1 * ? *)'],
  ])('has no window for %s', (schedule) => {
    expect(scheduleAlarmWindowMinutes(schedule)).toBeNull();
  });
});

describe('an alarm per schedule on the runs its rule delivered to the fetcher', () => {
  it.each([
    ['rate(10 minutes)', 25 * 60, 25],
    ['cron(0 * * * ? *)', 125 * 60, 125],
    ['cron(0 9 * * ? *)', (2 * 1440 + 5) * 60, 2880],
    ['rate(47 hours)', (2 * 2820 + 5) * 60, 2880],
  ])('%s: fires when no run of its rule reached the fetcher in two intervals and 5 minutes, silence included', (schedule, seconds, warmUpMinutes) => {
    const found = deliveryAlarmOf(synth, schedule);
    expect(found).toBeDefined();
    const topicRef = { Ref: synth.logicalId(synth.stack.monitoring.topic) };
    expect(found?.[1].Properties).toMatchObject({
      Statistic: 'Sum',
      Period: seconds,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // EventBridge sends nothing for a rule that did not run: no data is the very thing to report.
      TreatMissingData: 'breaching',
      AlarmActions: [topicRef],
      OKActions: [topicRef],
      // A new rule's first run comes up to an interval after it is created: no alarm before it could have run
      // (the window, or the 2 days CloudWatch allows at most), unless it has run already.
      WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: warmUpMinutes },
    });
    expect(found?.[1].Properties.WarmUpConfiguration).not.toHaveProperty('OnlyStartEvaluatingAfterWarmUpPeriodEnds');
    expect(found?.[1].Properties.DatapointsToAlarm).toBeUndefined();
    expect(found?.[1].Properties.AlarmDescription).toMatch(new RegExp(`^Newsweave dev, critical: .*${schedule.replace(/[()*?]/g, '\\$&')}`));
  });

  it('stays within what CloudWatch accepts: at most a day under hourly periods, at most 7 days in all', () => {
    for (const [id, alarm] of Object.entries(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'))) {
      const { Period: period, EvaluationPeriods: periods } = alarm.Properties as { Period?: number; EvaluationPeriods: number };
      if (period === undefined) continue;
      labelled(id, () => {
        expect(period % 60).toBe(0);
        expect(period * periods).toBeLessThanOrEqual(period < 3600 ? 86_400 : 604_800);
      });
    }
  });

  it('has one alarm for each schedule that can be watched, and one for the redrive\'s own rule (RedriveStopped)', () => {
    const redriveRef = JSON.stringify({ Ref: synth.logicalId(synth.stack.ingestion.redriveRule) });
    const alarms = alarmsOn(synth, 'AWS/Events', 'SuccessfulInvocationAttempts');
    expect(alarms).toHaveLength(5);
    expect(alarms.filter(([, alarm]) => JSON.stringify(alarm.Properties.Dimensions).includes(redriveRef))).toHaveLength(1);
  });

  it('keeps each rule and alarm, their logical IDs and properties, when sources are reordered or added to a schedule (keyed like the rules)', () => {
    for (const schedule of ['rate(10 minutes)', 'cron(0 * * * ? *)', 'cron(0 9 * * ? *)', 'rate(47 hours)']) {
      labelled(schedule, () => {
        expect(ruleIdOf(reordered, schedule)).toBe(ruleIdOf(synth, schedule));
        // The rule itself unchanged (its description names no count of sources): only its targets' input changes.
        const ruleOf = (app: SynthesizedApp) => resourcesOfType(app.template, 'AWS::Events::Rule')[ruleIdOf(app, schedule)]?.Properties;
        expect({ ...ruleOf(reordered), Targets: undefined }).toEqual({ ...ruleOf(synth), Targets: undefined });
        expect(ruleOf(synth)?.Description).toBe(`Newsweave: fetch the sources on ${schedule}`);
        const alarmId = deliveryAlarmOf(synth, schedule)?.[0];
        expect(alarmId).toBeDefined();
        expect(deliveryAlarmOf(reordered, schedule)?.[0]).toBe(alarmId);
        // Unchanged, description included (no source count): an updated alarm would warm up again (CloudFormation's
        // warm-up applies after a create or an update), blind to a schedule that stopped meanwhile.
        expect(deliveryAlarmOf(reordered, schedule)?.[1].Properties).toEqual(deliveryAlarmOf(synth, schedule)?.[1].Properties);
      });
    }
  });
});

describe('schedules an alarm cannot watch', () => {
  it.each([
    ['rate(3 days)', /first run comes more than 2 days after its rule is created/],
    ['rate(7 days)', /first run comes more than 2 days after its rule is created/],
    ['cron(30 6 ? * MON-FRI *)', /runs on some days only/],
  ])('%s: no alarm, and a synth warning that says so and why', (schedule, why) => {
    expect(deliveryAlarmOf(synth, schedule)).toBeUndefined();
    const warnings = quietly(() => Annotations.fromStack(synth.stack)).findWarning('*', Match.stringLikeRegexp(`no alarm watches the schedule "${schedule.replace(/[()*?]/g, '\\$&')}"`));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.entry.data)).toMatch(why);
  });

  it('warns of nothing when every schedule is watched', () => {
    const plain = synthApp({ stage: 'dev', sourcesFile: writeSourcesFile([source('every-ten', 'rate(10 minutes)')]) });
    try {
      expect(quietly(() => Annotations.fromStack(plain.stack)).findWarning('*', Match.stringLikeRegexp('no alarm watches'))).toHaveLength(0);
    } finally {
      removeAssembly(plain);
    }
  });
});

describe('an alarm on the fetcher not running at all', () => {
  it('fires when the fetcher ran not once in the shortest watched window (10 minutes: 25), silence included', () => {
    const found = alarmsOn(synth, 'AWS/Lambda', 'Invocations').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: synth.logicalId(synth.stack.ingestion.fetcher.function) } }]),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.[1].Properties).toMatchObject({
      Statistic: 'Sum',
      Period: 25 * 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 25 },
    });
    expect(found[0]?.[1].Properties.AlarmDescription).toMatch(/^Newsweave dev, critical: /);
  });

  it('is absent when no schedule can be watched, and every such schedule is named in a warning', () => {
    expect(alarmsOn(longOnly, 'AWS/Lambda', 'Invocations')).toHaveLength(0);
    // The redrive's rule's alone.
    expect(alarmsOn(longOnly, 'AWS/Events', 'SuccessfulInvocationAttempts')).toHaveLength(1);
    expect(quietly(() => Annotations.fromStack(longOnly.stack)).findWarning('*', Match.stringLikeRegexp('no alarm watches the schedule'))).toHaveLength(2);
  });
});

describe('the dashboard', () => {
  it('draws, for each schedule rule, the runs delivered and failed and the times it was triggered', () => {
    const dashboard = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const { rule } of synth.stack.ingestion.schedules) {
      const ruleRef = JSON.stringify({ Ref: synth.logicalId(rule) });
      for (const metric of ['SuccessfulInvocationAttempts', 'FailedInvocations', 'TriggeredRules']) {
        labelled(`${metric} of ${ruleRef}`, () => expect(body).toContain(`"AWS/Events\\",\\"${metric}\\",\\"RuleName\\",\\"",${ruleRef}`));
      }
    }
  });
});
