/**
 * `npm start`'s variables (README, "Local stack"), read by readLocalConfig for the stack and the token command: a
 * value that cannot be used stops it with a message naming the variable, before anything starts.
 */
import { describe, expect, it } from '@jest/globals';
import { LocalConfigError, readLocalConfig } from '../../local/config';

describe('readLocalConfig: HOST', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'dev-box.example.internal'])('takes %s', (value) => {
    expect(readLocalConfig({ HOST: value }).host).toBe(value);
  });

  it('reads a blank HOST as unset, and trims one around an address', () => {
    expect(readLocalConfig({ HOST: ' ' }).host).toBeUndefined();
    expect(readLocalConfig({ HOST: ' 127.0.0.1 ' }).host).toBe('127.0.0.1');
  });

  // Each of these used to be reported as a bad URL in the bundled demo sources file, naming neither HOST nor the mistake.
  it.each(['http://127.0.0.1', '127.0.0.1:3000', '[::1]', 'two words', 'bad..name', 'under_score.example'])(
    'refuses %s with a message that names HOST',
    (value) => {
      expect(() => readLocalConfig({ HOST: value })).toThrow(LocalConfigError);
      expect(() => readLocalConfig({ HOST: value })).toThrow(`HOST must be an IP address or a host name of this machine (127.0.0.1, ::1, 0.0.0.0, localhost), not "${value}"`);
    },
  );
});

describe('readLocalConfig: PORT', () => {
  it('takes a port in decimal digits, 3000 when unset or blank', () => {
    expect(readLocalConfig({ PORT: '4700' }).port).toBe(4700);
    expect(readLocalConfig({ PORT: ' 4700 ' }).port).toBe(4700);
    expect(readLocalConfig({}).port).toBe(3000);
    expect(readLocalConfig({ PORT: '' }).port).toBe(3000);
    expect(readLocalConfig({ PORT: ' ' }).port).toBe(3000);
  });

  // Number() took the first three as 4700, 1000 and 4700: the stack listened on a port that was not typed.
  it.each(['0x125C', '1e3', '4700.0', '-1', '0', '65536', 'abc', '47 00'])('refuses %s with a message that names PORT', (value) => {
    expect(() => readLocalConfig({ PORT: value })).toThrow(LocalConfigError);
    expect(() => readLocalConfig({ PORT: value })).toThrow(`PORT must be an integer from 1 to 65535, not "${value}"`);
  });
});
