/**
 * Feed dates to ISO 8601. Feeds use RFC 822/1123 (`Mon, 02 Jan 2006 15:04:05 EST`), RFC 3339 and a long tail of
 * near misses (named zones JavaScript does not know, no zone at all, a space instead of `T`). A date without a zone
 * is read as UTC, never as the machine's local time, so that the result does not depend on where the code runs.
 */

/** Offsets of the zone abbreviations seen in real feeds. IST is India's: Indian outlets use it far more than Ireland's. */
const ZONE_OFFSETS: Readonly<Record<string, string>> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000', WET: '+0000',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  AKST: '-0900', AKDT: '-0800', HST: '-1000', BRT: '-0300', ART: '-0300',
  BST: '+0100', WEST: '+0100', CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', EET: '+0200', EEST: '+0300',
  SAST: '+0200', MSK: '+0300', IST: '+0530', PKT: '+0500', NPT: '+0545', WIB: '+0700', ICT: '+0700',
  HKT: '+0800', SGT: '+0800', PHT: '+0800', AWST: '+0800', CCT: '+0800', JST: '+0900', KST: '+0900',
  ACST: '+0930', AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300',
};

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$/i;
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

export function parseFeedDate(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value || value.length > 100) return undefined;
  const time = ISO_LIKE.test(value) ? parseIsoLike(value) : parseRfc822Like(value);
  if (time === undefined || Number.isNaN(time) || time < EARLIEST || time > LATEST) return undefined;
  return new Date(time).toISOString();
}

function parseIsoLike(value: string): number | undefined {
  const match = ISO_LIKE.exec(value);
  if (!match) return undefined;
  const [, date = '', clock, zone] = match;
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  if (!isCalendarDate(year, month - 1, day)) return undefined;
  if (!clock) return Date.parse(`${date}T00:00:00Z`);
  // The engine takes 24:00 as the next midnight; the RFC 822 path refuses it, and so does this one.
  if (Number(clock.slice(0, 2)) > 23) return undefined;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offset = digits.length === 3 ? `${digits}:00` : `${digits.slice(0, 3)}:${digits.slice(3)}`;
  }
  return Date.parse(`${date}T${clock.replace(',', '.')}${offset}`);
}

function parseRfc822Like(value: string): number | undefined {
  let text = value
    // The weekday is redundant and sometimes wrong or localised; dropping it avoids a mismatch.
    .replace(/^[A-Za-z]+,?\s+/, '')
    .replace(/\bSept\b/i, 'Sep')
    .replace(/\s+/g, ' ');
  const zone = /\s([A-Za-z]{1,5})$/.exec(text);
  if (zone?.[1]) {
    const offset = ZONE_OFFSETS[zone[1].toUpperCase()];
    if (!offset) return undefined;
    text = `${text.slice(0, zone.index)} ${offset}`;
  } else if (!/[+-]\d{4}$/.test(text)) {
    text = `${text} +0000`;
  }
  const match = /^(\d{1,2}) ([A-Za-z]{3})[A-Za-z]* (\d{2}|\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, day, monthName, yearText, hour, minute, second, sign, offsetHours, offsetMinutes] = match;
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  if (month === -1) return undefined;
  let year = Number(yearText);
  if (year < 100) year += year < 70 ? 2000 : 1900;
  // RFC 5322 allows 23:59:60 (a leap second, read as the next minute). Its zone is any 4 digits, hours then minutes;
  // we take RFC 3339's range, up to 23:59 either way, which the ISO path (Date.parse) keeps to as well.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 60) return undefined;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  if (!isCalendarDate(year, month, Number(day))) return undefined;
  const local = Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 * (sign === '-' ? -1 : 1);
  return local - offsetMs;
}

/** Date.UTC and Date.parse roll a day past the month's end over (30 Feb becomes 1 Mar); a date that does not exist is not a date. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month, day));
  return date.getUTCMonth() === month && date.getUTCDate() === day;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
