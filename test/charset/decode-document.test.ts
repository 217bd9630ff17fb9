import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import { charsetFromContentType, decodeDocument } from '../../functions/charset/decode-document';

const russian = 'Москва — столица России';
const japanese = '東京は日本の首都です';
const polish = 'Zażółć gęślą jaźń';
const french = 'Café crème à la française';
const korean = '서울은 한국의 수도입니다';
const chinese = '北京是中国的首都';
const traditional = '臺北是臺灣的首都';

function page(head: string, body: string): string {
  return `<!doctype html><html><head>${head}<title>t</title></head><body><p>${body}</p></body></html>`;
}

function bytes(text: string, encoding: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, encoding));
}

describe('decodeDocument', () => {
  const cases: Array<{ name: string; input: Uint8Array; contentType?: string; charset: string; contains: string }> = [
    {
      name: 'windows-1251 from <meta charset>',
      input: bytes(page('<meta charset="windows-1251">', russian), 'win1251'),
      charset: 'windows-1251',
      contains: russian,
    },
    {
      name: 'Shift_JIS from <meta http-equiv content>',
      input: bytes(page('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', japanese), 'shift_jis'),
      charset: 'shift_jis',
      contains: japanese,
    },
    {
      name: 'ISO-8859-2 from the Content-Type header',
      input: bytes(page('', polish), 'iso-8859-2'),
      contentType: 'text/html; charset="ISO-8859-2"',
      charset: 'iso-8859-2',
      contains: polish,
    },
    {
      name: 'UTF-16LE with a byte order mark, whatever the header says',
      input: new Uint8Array([0xff, 0xfe, ...bytes(page('', russian), 'utf16-le')]),
      contentType: 'text/html; charset=windows-1252',
      charset: 'utf-16le',
      contains: russian,
    },
    {
      name: 'UTF-16BE with a byte order mark',
      input: new Uint8Array([0xfe, 0xff, ...bytes(page('', japanese), 'utf16-be')]),
      charset: 'utf-16be',
      contains: japanese,
    },
    {
      name: 'UTF-8 byte order mark beats a meta declaration',
      input: new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(page('<meta charset="windows-1251">', french), 'utf8')]),
      charset: 'utf-8',
      contains: french,
    },
    {
      name: 'the header wins over meta when both are plausible',
      input: bytes(page('<meta charset="iso-8859-2">', 'Москва, столица России'), 'koi8-r'),
      contentType: 'text/html; charset=KOI8-R',
      charset: 'koi8-r',
      contains: 'Москва, столица России',
    },
    {
      name: 'a header that lies (utf-8 on windows-1251 bytes) gives way to the meta',
      input: bytes(page('<meta charset="windows-1251">', russian), 'win1251'),
      contentType: 'text/html; charset=utf-8',
      charset: 'windows-1251',
      contains: russian,
    },
    {
      name: 'a server-default ISO-8859-1 header on a UTF-8 page',
      input: bytes(page('<meta charset="utf-8">', french), 'utf8'),
      contentType: 'text/html; charset=ISO-8859-1',
      charset: 'utf-8',
      contains: french,
    },
    {
      name: 'no declaration and valid UTF-8',
      input: bytes(page('', japanese), 'utf8'),
      charset: 'utf-8',
      contains: japanese,
    },
    {
      name: 'no declaration and Latin-1 bytes falls back to windows-1252',
      input: bytes(page('', `${french} “quoted”`), 'win1252'),
      charset: 'windows-1252',
      contains: `${french} “quoted”`,
    },
    {
      name: 'latin1 label is normalised to windows-1252 (curly quotes decode)',
      input: bytes(page('<meta charset="latin1">', '“quoted”'), 'win1252'),
      charset: 'windows-1252',
      contains: '“quoted”',
    },
    {
      name: 'XML declaration of a feed',
      input: bytes(`<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>${russian}</title></channel></rss>`, 'win1251'),
      charset: 'windows-1251',
      contains: russian,
    },
    {
      name: 'a meta inside a comment is ignored',
      input: bytes(page('<!-- <meta charset="shift_jis"> -->', french), 'win1252'),
      charset: 'windows-1252',
      contains: french,
    },
    {
      name: 'an unknown label is ignored',
      input: bytes(page('<meta charset="no-such-charset">', japanese), 'utf8'),
      contentType: 'text/html; charset=bogus',
      charset: 'utf-8',
      contains: japanese,
    },
    {
      name: 'a meta declaring utf-16 means utf-8',
      input: bytes(page('<meta charset="utf-16">', japanese), 'utf8'),
      charset: 'utf-8',
      contains: japanese,
    },
    {
      name: 'a label outside the Encoding Standard is ignored, as browsers ignore it',
      input: bytes(page('<meta charset="cp850">', `${french} “quoted”`), 'win1252'),
      charset: 'windows-1252',
      contains: `${french} “quoted”`,
    },
    {
      name: 'EUC-KR from <meta charset>',
      input: bytes(page('<meta charset="euc-kr">', korean), 'euc-kr'),
      charset: 'euc-kr',
      contains: korean,
    },
    {
      name: 'GBK from the Content-Type header',
      input: bytes(page('', chinese), 'gbk'),
      contentType: 'text/html; charset=GB2312',
      charset: 'gbk',
      contains: chinese,
    },
    {
      name: 'Big5 from <meta charset>',
      input: bytes(page('<meta charset="big5">', traditional), 'big5'),
      charset: 'big5',
      contains: traditional,
    },
    {
      name: 'EUC-JP from <meta charset>',
      input: bytes(page('<meta charset="euc-jp">', japanese), 'euc-jp'),
      charset: 'euc-jp',
      contains: japanese,
    },
  ];

  it.each(cases)('$name', ({ input, contentType, charset, contains }) => {
    const decoded = decodeDocument(input, contentType);
    expect(decoded.charset).toBe(charset);
    expect(decoded.text).toContain(contains);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  // iconv-lite (a test dependency only) is the reference, except for the five bytes it leaves undefined (U+FFFD)
  // where the WHATWG index keeps the C1 control of the same number.
  it('decodes all 256 windows-1252 bytes as the WHATWG index does', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    const decoded = decodeDocument(all, 'text/html; charset=windows-1252');
    const undefinedInIconv = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    const reference = [...iconv.decode(Buffer.from(all), 'windows-1252')].map((char, byte) =>
      undefinedInIconv.includes(byte) ? String.fromCharCode(byte) : char,
    );
    expect(decoded.charset).toBe('windows-1252');
    expect([...decoded.text]).toEqual(reference);
    expect(decoded.text.slice(0x91, 0x95)).toBe('‘’“”');
  });

  it('decodes empty input', () => {
    expect(decodeDocument(new Uint8Array(0))).toEqual({ text: '', charset: 'utf-8' });
  });
});

describe('charsetFromContentType', () => {
  it.each([
    ['text/html; charset=UTF-8', 'UTF-8'],
    ['text/html;charset="Shift_JIS"', 'Shift_JIS'],
    ["text/html; Charset='koi8-r'; foo=bar", 'koi8-r'],
    ['text/html', null],
    [null, null],
  ])('%s -> %s', (header, expected) => {
    expect(charsetFromContentType(header)).toBe(expected);
  });
});
