import { describe, expect, it } from '@jest/globals';
import { refreshMinutes } from '../../functions/sources/refresh-interval';

describe('refreshMinutes', () => {
  it.each([
    ['rate(1 minute)', 1],
    ['rate(5 minutes)', 5],
    ['rate(10 minutes)', 10],
    ['rate(1 hour)', 60],
    ['rate(6 hours)', 360],
    ['rate(1 day)', 1440],
    ['rate(30 days)', 43_200],
    // Cron schedules that run every day alike: the longest gap between two runs, across midnight too.
    ['cron(0 * * * ? *)', 60],
    ['cron(*/5 * * * ? *)', 5],
    ['cron(0/15 * ? * * *)', 15],
    ['cron(0,30 * * * ? *)', 30],
    ['cron(0 9 * * ? *)', 1440],
    ['cron(0 9,17 * * ? *)', 960],
    ['cron(30 6-18/4 * * ? *)', 720],
    ['cron(5-7 * * * ? *)', 58],
  ])('reads %s as every %i minutes', (schedule, minutes) => {
    expect(refreshMinutes(schedule)).toBe(minutes);
  });

  it.each([
    // Crons that run on some days only have no one interval: the caller falls back.
    ['cron(30 6 ? * MON-FRI *)'],
    ['cron(0 12 1 * ? *)'],
    ['cron(0 12 * 1-6 ? *)'],
    ['cron(0 12 * * ? 2027)'],
    ['cron(0 12 L * ? *)'],
    // What a record may hold that is no schedule at all.
    ['rate(0 minutes)'],
    ['rate(-5 minutes)'],
    ['rate(5 weeks)'],
    ['rate(99999999999999999999 days)'],
    ['cron(61 * * * ? *)'],
    ['cron(0 24 * * ? *)'],
    ['cron(*/0 * * * ? *)'],
    ['cron(9-3 * * * ? *)'],
    ['cron(0 * * * ?)'],
    ['every 10 minutes'],
    [''],
    [' rate(10 minutes)'],
    [`rate(${'9'.repeat(10_000)} minutes)`],
    [`cron(${'0,'.repeat(10_000)}0 * * * ? *)`],
  ])('has no interval for %j', (schedule) => {
    expect(refreshMinutes(schedule)).toBeNull();
  });

  it.each([[undefined], [null], [10], [{ schedule: 'rate(10 minutes)' }], [['rate(10 minutes)']], [true]])('has no interval for a value that is not a string (%j)', (value) => {
    expect(refreshMinutes(value)).toBeNull();
  });
});
