import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, expandSecrets, REDACTED, secretForms } from '../src/index';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('redaction', () => {
  const secret = 'p@ss w/rd"é';

  it('derives the encoded forms of a secret', () => {
    const forms = secretForms(secret);
    expect(forms).toEqual(
      expect.arrayContaining([
        secret,
        encodeURIComponent(secret),
        encodeURIComponent(secret).replace(/%20/g, '+'),
        b64(secret),
        JSON.stringify(secret).slice(1, -1),
        'p@ss w/rd\\"\\u00e9',
      ]),
    );
  });

  it('replaces every form in a string', () => {
    const { redactString } = createRedactor([secret]);
    const text = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      b64(secret),
      JSON.stringify({ secret }),
    ].join(' | ');
    const out = redactString(text);
    for (const form of secretForms(secret)) expect(out).not.toContain(form);
    expect(out.split(REDACTED).length - 1).toBe(6);
  });

  it('redacts Basic pairs given as user:password', () => {
    const { redactString } = createRedactor(['alice:hunter22']);
    expect(redactString(`Authorization: Basic ${b64('alice:hunter22')}`)).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
  });

  it('redacts JSON values deeply, keys included, without touching the input', () => {
    const input = { a: [`x ${secret}`, 1, null, { [secret]: true }], d: new Date(0) };
    const out = createRedactor([secret]).redact(input);
    expect(out).toEqual({ a: [`x ${REDACTED}`, 1, null, { [REDACTED]: true }], d: new Date(0) });
    expect(input.a[0]).toBe(`x ${secret}`);
  });

  it('survives cycles', () => {
    const value: Record<string, unknown> = { s: 'token-1234' };
    value.self = value;
    const out = createRedactor(['token-1234']).redact(value);
    expect(out.s).toBe(REDACTED);
    expect(out.self).toBe(out);
  });

  it('ignores secrets shorter than 4 characters', () => {
    expect(createRedactor(['abc']).redactString('abc abcd')).toBe('abc abcd');
    expect(createRedactor(['abc'], { minLength: 3 }).redactString('abc')).toBe(REDACTED);
  });

  it('prefers the longest match and supports a custom marker', () => {
    const { redactString } = createRedactor(['abcd', 'abcdefgh'], { replacement: '***' });
    expect(redactString('abcdefgh abcd')).toBe('*** ***');
  });

  it('does not let a replacement recreate a secret', () => {
    const tricky = 'TED]x';
    const out = createRedactor([tricky]).redactString('TED]xx');
    expect(out).not.toContain(tricky);
  });

  it('expandSecrets deduplicates and sorts longest first', () => {
    const list = expandSecrets(['abcd', 'abcd']);
    expect(new Set(list).size).toBe(list.length);
    expect([...list].sort((a, b) => b.length - a.length)).toEqual(list);
  });

  it('turns errors into redacted plain data', () => {
    const { redactError } = createRedactor(['sk_live_1234']);
    const error = Object.assign(new TypeError('fetch https://x.test/?key=sk_live_1234 failed'), {
      code: 'ECONNRESET',
    });
    expect(redactError(error)).toEqual({
      name: 'TypeError',
      message: `fetch https://x.test/?key=${REDACTED} failed`,
      code: 'ECONNRESET',
    });
    expect(redactError('boom sk_live_1234')).toEqual({
      name: 'Error',
      message: `boom ${REDACTED}`,
    });
  });

  it('without secrets it is the identity', () => {
    const { redactString, redact } = createRedactor([]);
    expect(redactString('anything')).toBe('anything');
    expect(redact({ a: 'b' })).toEqual({ a: 'b' });
  });

  it('secretForms lists every form, as computing each one would', () => {
    const attempt = (encode: () => string): string | undefined => {
      try {
        return encode();
      } catch {
        return undefined;
      }
    };
    const reference = (text: string): string[] => {
      const percent = attempt(() => encodeURIComponent(text));
      const forms = [
        text,
        percent,
        percent?.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
        percent?.replace(/%20/g, '+'),
        attempt(() => encodeURI(text)),
        b64(text),
        b64(text).replace(/=+$/, ''),
        Buffer.from(text).toString('base64url'),
        JSON.stringify(text).slice(1, -1),
        JSON.stringify(text)
          .slice(1, -1)
          .replace(
            /[\u0080-\uffff]/g,
            (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
          ),
      ];
      return [...new Set(forms.filter((f): f is string => f !== undefined && f.length > 0))];
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom(...'aZ9-_.!~*()% +/=:@"\\\n\té€\ud800'.split('')) }),
        ),
        (text) => {
          expect(secretForms(text)).toEqual(reference(text));
        },
      ),
    );
  });

  it('a minimum length of 0 still ignores empty secrets', () => {
    expect(expandSecrets(['', 'ab'], 0)).not.toContain('');
    expect(createRedactor([''], { minLength: 0 }).redactString('abc')).toBe('abc');
  });
});
