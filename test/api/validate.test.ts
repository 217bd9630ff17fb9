/**
 * The API's checks on client input, one function at a time: the boundaries of each limit, and the status, code and
 * message a client is answered with (the handler sends the message as it is, so it is part of the contract).
 */
import { labelled } from '../support/labelled';
import { describe, expect, it } from '@jest/globals';
import {
  COMMENT_LIMIT,
  LIST_LIMIT,
  MAX_QUERY_STRING_LENGTH,
  MAX_REQUEST_BODY_BYTES,
  RELATED_LIMIT,
  RequestError,
  decodeSegment,
  parseTopic,
  parseArticleId,
  parseCommentId,
  parseCursor,
  parseLimit,
  parseSearchWords,
  parseSourceId,
  readJsonObject,
  readQueryParameters,
} from '../../functions/api/validate';

/** The RequestError `check` throws, as the plain fields a client's answer is made of. */
function refusal(check: () => unknown): { name: string; statusCode: number; code: string; message: string } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    const { name, statusCode, code, message } = error as RequestError;
    return { name, statusCode, code, message };
  }
  throw new Error('expected a RequestError, nothing was thrown');
}

describe('readQueryParameters', () => {
  it('returns each allowed parameter once, decoded', () => {
    expect(readQueryParameters('limit=5&cursor=a%2Bb', ['limit', 'cursor'])).toEqual(
      new Map([
        ['limit', '5'],
        ['cursor', 'a+b'],
      ]),
    );
  });

  it('takes a query string of exactly 2,048 characters and refuses one more with 414', () => {
    const longest = `cursor=${'x'.repeat(MAX_QUERY_STRING_LENGTH - 'cursor='.length)}`;
    expect(readQueryParameters(longest, ['cursor']).get('cursor')).toHaveLength(MAX_QUERY_STRING_LENGTH - 7);
    expect(refusal(() => readQueryParameters(`${longest}x`, ['cursor']))).toEqual({
      name: 'RequestError',
      statusCode: 414,
      code: 'uri_too_long',
      message: 'query string longer than 2048 characters',
    });
  });

  it('refuses a name or value that is not percent-encoded UTF-8 (read as U+FFFD otherwise), as a path segment', () => {
    for (const query of ['q=%FF', 'q=caf%E9', 'q=%ED%A0%80', 'q%FF=x', 'q=ok&cursor=%C3']) {
      labelled(query, () =>
        expect(refusal(() => readQueryParameters(query, ['q', 'cursor']))).toMatchObject({ statusCode: 400, code: 'invalid_query', message: expect.stringContaining('not valid percent-encoded UTF-8') }),
      );
    }
    expect(readQueryParameters('q=caf%C3%A9', ['q']).get('q')).toBe('café');
    // A U+FFFD sent as such is UTF-8; a lone % is a literal %, as URLSearchParams reads it.
    expect(readQueryParameters('q=%EF%BF%BD', ['q']).get('q')).toBe('\uFFFD');
    expect(readQueryParameters('q=100%+rise%2', ['q']).get('q')).toBe('100% rise%2');
  });

  it('refuses a lone % inside a UTF-8 sequence: it is a byte of its own, which breaks the sequence (not a mark dropped)', () => {
    // URLSearchParams reads `%C3%%A9` as the bytes C3 25 A9: U+FFFD, %, U+FFFD.
    expect(new URLSearchParams('q=%C3%%A9').get('q')).toBe('\uFFFD%\uFFFD');
    expect(refusal(() => readQueryParameters('q=%C3%%A9', ['q']))).toMatchObject({ statusCode: 400, code: 'invalid_query' });
  });

  it('names an unknown parameter and the accepted ones', () => {
    expect(refusal(() => readQueryParameters('limt=5', ['limit', 'cursor']))).toEqual({
      name: 'RequestError',
      statusCode: 400,
      code: 'invalid_query',
      message: 'unknown query parameter "limt" (accepted: limit, cursor)',
    });
  });

  it('says when a route takes no parameters at all', () => {
    expect(refusal(() => readQueryParameters('x=1', [])).message).toBe('unknown query parameter "x" (this route takes none)');
  });

  it('echoes at most 40 characters of an unknown name', () => {
    const forty = 'n'.repeat(40);
    expect(refusal(() => readQueryParameters(`${forty}=1`, ['limit'])).message).toBe(`unknown query parameter "${forty}" (accepted: limit)`);
    expect(refusal(() => readQueryParameters(`${forty}EXTRA=1`, ['limit'])).message).toBe(`unknown query parameter "${forty}…" (accepted: limit)`);
    // Forty characters, not UTF-16 units: never half of a character written as two.
    const astral = '𝐚'.repeat(45);
    expect(refusal(() => readQueryParameters(`${encodeURIComponent(astral)}=1`, ['limit'])).message).toBe(
      `unknown query parameter "${'𝐚'.repeat(40)}…" (accepted: limit)`,
    );
  });

  it('refuses a parameter given twice', () => {
    expect(refusal(() => readQueryParameters('limit=5&limit=500', ['limit']))).toMatchObject({
      statusCode: 400,
      code: 'invalid_query',
      message: 'query parameter "limit" given more than once',
    });
  });
});

describe('parseLimit', () => {
  it('defaults when absent and takes 1 to the maximum', () => {
    expect(parseLimit(undefined, LIST_LIMIT)).toBe(20);
    expect(parseLimit(undefined, RELATED_LIMIT)).toBe(10);
    expect(parseLimit('1', LIST_LIMIT)).toBe(1);
    expect(parseLimit('100', LIST_LIMIT)).toBe(100);
    expect(parseLimit('000050', RELATED_LIMIT)).toBe(50);
  });

  it.each(['0', '101', '1234567', '', ' 5'])('refuses %j, naming the range', (raw) => {
    expect(refusal(() => parseLimit(raw, LIST_LIMIT))).toMatchObject({
      statusCode: 400,
      code: 'invalid_limit',
      message: 'limit must be a whole number from 1 to 100',
    });
  });

  it('names the range of the bounds it was given', () => {
    expect(refusal(() => parseLimit('51', RELATED_LIMIT)).message).toBe('limit must be a whole number from 1 to 50');
  });
});

describe('parseCursor', () => {
  it('reads an absent or empty cursor as the first page', () => {
    expect(parseCursor(undefined)).toBeUndefined();
    expect(parseCursor('')).toBeUndefined();
  });

  it('passes up to 1,024 characters on to the store and refuses longer ones', () => {
    expect(parseCursor('x'.repeat(1024))).toBe('x'.repeat(1024));
    expect(refusal(() => parseCursor('x'.repeat(1025)))).toMatchObject({
      statusCode: 400,
      code: 'invalid_cursor',
      message: 'cursor is not one this API returned',
    });
  });
});

describe('path segments', () => {
  it('decodes a segment, and refuses a malformed escape with the code and name given', () => {
    expect(decodeSegment('a%20b', 'invalid_topic', 'topic')).toBe('a b');
    expect(refusal(() => decodeSegment('%E0%A4%A', 'invalid_id', 'the thing'))).toMatchObject({
      statusCode: 400,
      code: 'invalid_id',
      message: 'the thing is not valid percent-encoded UTF-8',
    });
  });

  it('takes an article id of 16 to 32 id characters', () => {
    expect(parseArticleId('abcdefghijklmnop')).toBe('abcdefghijklmnop');
    expect(parseArticleId('a'.repeat(32))).toBe('a'.repeat(32));
    expect(refusal(() => parseArticleId('%zz')).message).toBe('article id is not valid percent-encoded UTF-8');
    expect(refusal(() => parseArticleId('short'))).toMatchObject({
      statusCode: 400,
      code: 'invalid_id',
      message: 'article id must be 16 to 32 letters, digits, "-" or "_"',
    });
  });

  it('normalises a topic and refuses an empty, long or control-character one', () => {
    expect(parseTopic('%20Vladimir%20%20PUTIN%20')).toBe('vladimir putin');
    // 100 characters, counted as code points: an emoji is one character, not two.
    expect(parseTopic('😀'.repeat(100))).toBe('😀'.repeat(100));
    expect(refusal(() => parseTopic('%zz'))).toMatchObject({
      statusCode: 400,
      code: 'invalid_topic',
      message: 'topic is not valid percent-encoded UTF-8',
    });
    for (const topic of ['%20', 'x'.repeat(101), 'a%00b']) {
      expect(refusal(() => parseTopic(topic))).toMatchObject({
        statusCode: 400,
        code: 'invalid_topic',
        message: 'topic must be 1 to 100 printable characters',
      });
    }
  });
});

describe('query values', () => {
  it('reads an absent or empty source as all sources', () => {
    expect(parseSourceId(undefined)).toBeUndefined();
    expect(parseSourceId('')).toBeUndefined();
    expect(parseSourceId('the-hindu')).toBe('the-hindu');
    expect(refusal(() => parseSourceId('The-Hindu'))).toMatchObject({
      statusCode: 400,
      code: 'invalid_source',
      message: 'source must be 1 to 64 lowercase letters, digits or "-"',
    });
  });

  it('collapses search words and takes 1 to 200 characters of them', () => {
    expect(parseSearchWords('  pine \n hollow ')).toBe('pine hollow');
    expect(parseSearchWords('w'.repeat(200))).toHaveLength(200);
    // Characters are code points, as for topics: 200 emoji are 400 UTF-16 units.
    expect([...parseSearchWords('😀'.repeat(200))]).toHaveLength(200);
    expect(refusal(() => parseSearchWords('😀'.repeat(201)))).toMatchObject({ statusCode: 400, code: 'invalid_query' });
    expect(refusal(() => parseSearchWords(' \t '))).toMatchObject({
      statusCode: 400,
      code: 'invalid_query',
      message: 'q must contain at least one word',
    });
    expect(refusal(() => parseSearchWords('w'.repeat(201)))).toMatchObject({
      statusCode: 400,
      code: 'invalid_query',
      message: 'q must be at most 200 characters',
    });
  });
});

describe('comment ids', () => {
  it('accepts a ULID, percent-encoded or not', () => {
    expect(parseCommentId('01JDR3V9Q4X8K2M6N7P0S5T1W1')).toBe('01JDR3V9Q4X8K2M6N7P0S5T1W1');
    expect(parseCommentId('01JDR3V9Q4X8K2M6N7P0S5T1%571')).toBe('01JDR3V9Q4X8K2M6N7P0S5T1W1');
  });

  it.each([
    ['25 characters', '01JDR3V9Q4X8K2M6N7P0S5T1W'],
    ['27 characters', '01JDR3V9Q4X8K2M6N7P0S5T1W11'],
    ['lowercase', '01jdr3v9q4x8k2m6n7p0s5t1w1'],
    ['a letter outside base32 (I)', '01JDR3V9Q4X8K2M6N7P0S5T1WI'],
    ['a letter outside base32 (U)', '01JDR3V9Q4X8K2M6N7P0S5T1WU'],
    ['a traversal', '..%2F..%2Fsources'],
    ['a broken escape', '%E0%A4%A'],
  ])('refuses %s with 400 invalid_id', (_, segment) => {
    expect(refusal(() => parseCommentId(segment))).toMatchObject({ statusCode: 400, code: 'invalid_id' });
  });

  it('says what a comment id is', () => {
    expect(refusal(() => parseCommentId('nope'))).toEqual({
      name: 'RequestError',
      statusCode: 400,
      code: 'invalid_id',
      message: 'comment id must be 26 letters and digits (a ULID)',
    });
    expect(refusal(() => parseCommentId('%E0%A4%A')).message).toBe('comment id is not valid percent-encoded UTF-8');
  });

  it('pages comments as the other listings: 1 to 100, 20 by default', () => {
    expect(COMMENT_LIMIT).toEqual({ fallback: 20, max: 100 });
  });
});

describe('readJsonObject', () => {
  const json = 'application/json';

  it('reads a JSON object, with or without a charset, plain or base64-encoded', () => {
    expect(readJsonObject('{"body":"hi"}', false, json)).toEqual({ body: 'hi' });
    expect(readJsonObject('{"body":"hi"}', undefined, 'Application/JSON; charset=utf-8')).toEqual({ body: 'hi' });
    expect(readJsonObject('{"body":"hi"}', false, 'application/json ;charset=utf-8')).toEqual({ body: 'hi' });
    expect(readJsonObject(Buffer.from('{"body":"é"}').toString('base64'), true, json)).toEqual({ body: 'é' });
  });

  it.each([
    ['no content type', undefined],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'application/json-patch+json'],
    ['JSON after another type', 'text/plain; application/json'],
  ])('refuses %s with 415', (_, contentType) => {
    expect(refusal(() => readJsonObject('{"body":"hi"}', false, contentType))).toEqual({
      name: 'RequestError',
      statusCode: 415,
      code: 'unsupported_media_type',
      message: 'send the body as application/json',
    });
  });

  it('refuses a base64-encoded body whose bytes are not UTF-8 with 400, rather than read them as U+FFFD', () => {
    const broken = Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(refusal(() => readJsonObject(broken.toString('base64'), true, json))).toEqual({
      name: 'RequestError',
      statusCode: 400,
      code: 'invalid_body',
      message: 'the body is not UTF-8',
    });
    // Counted in the bytes sent, base64 or not.
    const over = Buffer.from(`{"body":"${'x'.repeat(MAX_REQUEST_BODY_BYTES)}"}`).toString('base64');
    expect(refusal(() => readJsonObject(over, true, json))).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    // A typed U+FFFD is a character like any other.
    expect(readJsonObject(Buffer.from('{"body":"\uFFFD"}').toString('base64'), true, json)).toEqual({ body: '\uFFFD' });
  });

  it('refuses a body over 64 KiB in UTF-8 bytes with 413, and takes one at the limit', () => {
    const at = `{"body":"${'x'.repeat(MAX_REQUEST_BODY_BYTES - 11)}"}`;
    expect(Buffer.byteLength(at)).toBe(MAX_REQUEST_BODY_BYTES);
    expect(readJsonObject(at, false, json)).toHaveProperty('body');
    const over = `{"body":"${'é'.repeat(MAX_REQUEST_BODY_BYTES / 2)}"}`;
    expect(over.length).toBeLessThan(MAX_REQUEST_BODY_BYTES);
    expect(refusal(() => readJsonObject(over, false, json))).toEqual({
      name: 'RequestError',
      statusCode: 413,
      code: 'payload_too_large',
      message: 'the body is over 65536 bytes',
    });
  });

  it.each([
    ['nothing', undefined, 'the body is not valid JSON'],
    ['an empty body', '', 'the body is not valid JSON'],
    ['broken JSON', '{"body":', 'the body is not valid JSON'],
    ['a string', '"hi"', 'the body must be a JSON object'],
    ['an array', '[]', 'the body must be a JSON object'],
    ['null', 'null', 'the body must be a JSON object'],
    ['a number', '5', 'the body must be a JSON object'],
  ])('refuses %s with 400 invalid_body', (_, body, message) => {
    expect(refusal(() => readJsonObject(body, false, json))).toEqual({ name: 'RequestError', statusCode: 400, code: 'invalid_body', message });
  });
});
