import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../contracts/model';

/** A sources file that cannot be used. The message names the file, the entry and the field. */
export class SourcesConfigError extends Error {
  override readonly name = 'SourcesConfigError';
}

const ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
// EventBridge accepts rate(1 minute), rate(N minutes|hours|days) and six-field cron() (minutes, hours, day of month,
// month, day of week, year) in which exactly one of the two day fields is `?`: it refuses `cron(0 * * * * *)` when the
// stack deploys, so it is refused here, at synth.
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;
const FIELDS = new Set(['id', 'name', 'url', 'schedule']);

/**
 * Validates the content of a sources file (`config/sources.json` format) and returns its entries.
 * Shared by the CDK app and the local runtime so that both refuse the same files with the same words.
 */
export function parseSources(json: unknown, label = 'sources'): SourceConfig[] {
  if (!Array.isArray(json)) throw new SourcesConfigError(`${label}: expected a JSON array of sources`);
  if (json.length === 0) throw new SourcesConfigError(`${label}: the list of sources is empty`);
  const seen = new Set<string>();
  return json.map((raw: unknown, index) => {
    const where = (field?: string): string => {
      const id = isRecord(raw) && typeof raw.id === 'string' ? ` ("${raw.id}")` : '';
      return `${label}: entry ${index}${id}${field ? `, field "${field}"` : ''}`;
    };
    if (!isRecord(raw)) throw new SourcesConfigError(`${where()}: expected an object`);
    for (const key of Object.keys(raw)) {
      if (!FIELDS.has(key)) throw new SourcesConfigError(`${where(key)}: unknown field`);
    }
    const text = (field: string): string => {
      const value = raw[field];
      if (typeof value !== 'string' || value.trim() === '') {
        throw new SourcesConfigError(`${where(field)}: required, a non-empty string`);
      }
      return value.trim();
    };
    const id = text('id');
    if (!ID.test(id)) {
      throw new SourcesConfigError(`${where('id')}: "${id}" must be lowercase letters, digits and dashes (at most 64)`);
    }
    if (seen.has(id)) throw new SourcesConfigError(`${where('id')}: duplicate id "${id}"`);
    seen.add(id);
    const name = text('name');
    if (name.length > 200) throw new SourcesConfigError(`${where('name')}: at most 200 characters`);
    const url = text('url');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SourcesConfigError(`${where('url')}: "${url}" is not an absolute URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SourcesConfigError(`${where('url')}: only http and https URLs are allowed`);
    }
    // The URL is public (GET /sources, and the fetch errors that name it): a password in it would be published.
    if (parsed.username || parsed.password) {
      throw new SourcesConfigError(`${where('url')}: no user name or password, which GET /sources would publish`);
    }
    const schedule = text('schedule');
    const rate = RATE.exec(schedule);
    if (rate) {
      const n = Number(rate[1]);
      const unit = rate[2] ?? '';
      const singular = !unit.endsWith('s');
      // EventBridge wants "rate(1 minute)" but "rate(5 minutes)".
      if (n < 1 || (n === 1) !== singular) {
        const base = unit.replace(/s$/, '');
        throw new SourcesConfigError(
          `${where('schedule')}: "${schedule}" should read "rate(1 ${base})" or "rate(N ${base}s)" with N > 1`,
        );
      }
    } else {
      const cron = CRON.exec(schedule);
      if (!cron) {
        throw new SourcesConfigError(
          `${where('schedule')}: "${schedule}" is not an EventBridge schedule such as "rate(10 minutes)" or "cron(0 * * * ? *)"`,
        );
      }
      if ((cron[3] === '?') === (cron[5] === '?')) {
        throw new SourcesConfigError(
          `${where('schedule')}: "${schedule}" needs "?" in exactly one of its day-of-month and day-of-week fields, as in "cron(0 * * * ? *)"`,
        );
      }
    }
    return { id, name, url: parsed.toString(), schedule };
  });
}

/** Reads and validates a sources file. */
export function loadSources(path: string): SourceConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SourcesConfigError(`${path}: cannot read the sources file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SourcesConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseSources(json, path);
}

/** Milliseconds between runs of a `rate(...)` schedule; null for cron expressions. */
export function rateToMillis(schedule: string): number | null {
  const rate = RATE.exec(schedule);
  if (!rate) return null;
  const n = Number(rate[1]);
  const unit = (rate[2] ?? '').replace(/s$/, '');
  const unitMs = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return n * unitMs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
