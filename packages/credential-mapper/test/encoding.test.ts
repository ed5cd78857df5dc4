import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  base64Encode,
  base64UrlEncode,
  basicAuthorization,
  encodeHost,
  formEncode,
  isSafeHeaderValue,
  jsonEscape,
} from '../src/index';

describe('encoding', () => {
  it('base64 matches Node for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(base64Encode(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
        expect(base64UrlEncode(text)).toBe(Buffer.from(text, 'utf8').toString('base64url'));
      }),
    );
  });

  it('Basic authorization round-trips', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((u) => !u.includes(':')),
        fc.string({ unit: 'grapheme' }),
        (user, pass) => {
          const value = basicAuthorization(user, pass);
          const decoded = Buffer.from(value.slice('Basic '.length), 'base64').toString('utf8');
          expect(decoded).toBe(`${user}:${pass}`);
        },
      ),
    );
  });

  it('form encoding uses + for spaces and round-trips through URLSearchParams', () => {
    expect(formEncode('a b+c')).toBe('a+b%2Bc');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(new URLSearchParams(`k=${formEncode(text)}`).get('k')).toBe(text);
      }),
    );
  });

  it('hosts: labels percent-encoded, IPv6 bracketed', () => {
    expect(encodeHost('db.example.com')).toBe('db.example.com');
    expect(encodeHost('::1')).toBe('[::1]');
    expect(encodeHost('[fe80::1]')).toBe('[fe80::1]');
    expect(encodeHost('a/b')).toBe('a%2Fb');
  });

  it('JSON escaping is the inside of JSON.stringify', () => {
    expect(jsonEscape('a"b\\c\n')).toBe('a\\"b\\\\c\\n');
  });

  it('header values reject CR, LF and NUL only', () => {
    expect(isSafeHeaderValue('Bearer abc\t def')).toBe(true);
    for (const bad of ['a\rb', 'a\nb', 'a\0b']) expect(isSafeHeaderValue(bad)).toBe(false);
  });

  it('base64 is the same without a native btoa', async () => {
    vi.stubGlobal('btoa', undefined);
    vi.resetModules();
    try {
      const fallback = await import('../src/encoding');
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
          expect(fallback.base64Encode(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
        }),
      );
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
