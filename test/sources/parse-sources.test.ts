import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SourcesConfigError, loadSources, parseSources, rateToMillis } from '../../functions/sources/parse-sources';

const good = { id: 'the-hindu', name: 'The Hindu', url: 'https://www.thehindu.com/feeder/default.rss', schedule: 'rate(10 minutes)' };

describe('parseSources', () => {
  it('accepts the documented format and the repo\'s own config/sources.json', () => {
    expect(parseSources([good])).toEqual([good]);
    expect(loadSources('config/sources.json').length).toBeGreaterThan(0);
    // The seed page's outlets, beside the world outlets.
    expect(loadSources('config/sources.json').map((source) => new URL(source.url).hostname)).toEqual(
      expect.arrayContaining(['www.thehindu.com', 'economictimes.indiatimes.com', 'www.firstpost.com']),
    );
  });

  it.each([
    ['not an array', { sources: [] }, 'expected a JSON array'],
    ['empty', [], 'empty'],
    ['an entry that is not an object', ['x'], 'entry 0: expected an object'],
    ['a missing id', [{ ...good, id: undefined }], 'entry 0, field "id": required'],
    ['a bad id', [{ ...good, id: 'The Hindu' }], 'entry 0 ("The Hindu"), field "id"'],
    ['a duplicate id', [good, good], 'entry 1 ("the-hindu"), field "id": duplicate'],
    ['a missing name', [{ ...good, name: '' }], 'field "name": required'],
    ['a relative url', [{ ...good, url: '/feed.xml' }], 'field "url": "/feed.xml" is not an absolute URL'],
    ['a file url', [{ ...good, url: 'file:///etc/passwd' }], 'field "url": only http and https'],
    ['a url with a user and password (GET /sources would publish them)', [{ ...good, url: 'https://reader:s3cret@feeds.example/rss' }], 'field "url": no user name or password'],
    ['a url with a user name', [{ ...good, url: 'https://token@feeds.example/rss' }], 'field "url": no user name or password'],
    ['a bad schedule', [{ ...good, schedule: 'every 10 minutes' }], 'field "schedule"'],
    ['a singular rate with a plural count', [{ ...good, schedule: 'rate(5 minute)' }], 'field "schedule"'],
    ['a plural rate with one', [{ ...good, schedule: 'rate(1 minutes)' }], 'field "schedule"'],
    ['a cron with no "?" day field, which EventBridge refuses at deploy', [{ ...good, schedule: 'cron(0 * * * * *)' }], 'exactly one of its day-of-month and day-of-week'],
    ['a cron with "?" in both day fields', [{ ...good, schedule: 'cron(0 12 ? * ? *)' }], 'exactly one of its day-of-month and day-of-week'],
    ['an unknown field', [{ ...good, extra: 1 }], 'field "extra": unknown field'],
  ])('refuses %s, naming the entry and the field', (_, input, message) => {
    expect(() => parseSources(input, 'sources.json')).toThrow(SourcesConfigError);
    expect(() => parseSources(input, 'sources.json')).toThrow(message);
    expect(() => parseSources(input, 'sources.json')).not.toThrow('s3cret');
  });

  it('accepts cron schedules and singular rates', () => {
    expect(parseSources([{ ...good, schedule: 'cron(0 * * * ? *)' }])).toHaveLength(1);
    expect(parseSources([{ ...good, schedule: 'cron(30 6 ? * MON-FRI *)' }])).toHaveLength(1);
    expect(parseSources([{ ...good, schedule: 'rate(1 hour)' }])).toHaveLength(1);
  });

  it('reports unreadable and invalid JSON files with their path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'newsweave-sources-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"id": "a",');
    expect(() => loadSources(broken)).toThrow(`${broken}: not valid JSON`);
    expect(() => loadSources(join(dir, 'missing.json'))).toThrow('cannot read the sources file');
  });
});

describe('rateToMillis', () => {
  it('converts rates and leaves cron to the caller', () => {
    expect(rateToMillis('rate(10 minutes)')).toBe(600_000);
    expect(rateToMillis('rate(1 hour)')).toBe(3_600_000);
    expect(rateToMillis('rate(2 days)')).toBe(172_800_000);
    expect(rateToMillis('cron(0 * * * ? *)')).toBeNull();
  });
});
