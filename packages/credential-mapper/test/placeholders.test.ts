import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isVariablePath,
  listPlaceholders,
  parseTemplate,
  substitute,
  wholePlaceholder,
} from '../src/index';

describe('placeholders', () => {
  it('parses text and placeholders', () => {
    expect(parseTemplate('Bearer <<api_key>>!')).toEqual([
      { kind: 'text', text: 'Bearer ' },
      { kind: 'placeholder', name: 'api_key' },
      { kind: 'text', text: '!' },
    ]);
  });

  it.each([
    ['<<X-SERVICE-API-KEY>>', ['X-SERVICE-API-KEY']],
    ['<<steps.getUser.id>>/<<input.customerId>>', ['steps.getUser.id', 'input.customerId']],
    ['<<api key>>', ['api key']],
    ['<<clé>>', ['clé']],
    ['a << b >> c', []],
    ['<<>>', []],
    ['<< x>>', []],
    ['<<<x>>>', ['x']],
    ['<<a\nb>>', []],
    ['<<a>><<a>>', ['a']],
  ])('lists %j', (template, names) => {
    expect(listPlaceholders(template)).toEqual(names);
  });

  it('lists deeply in JSON values, not in keys', () => {
    expect(
      listPlaceholders({ '<<key>>': ['<<a>>', { b: 'x <<b>>' }], n: 1, z: null, c: '<<a>>' }),
    ).toEqual(['a', 'b']);
  });

  it('substitutes once, without rescanning values', () => {
    expect(substitute('<<a>>-<<b>>', (name) => (name === 'a' ? '<<b>>' : 'B'))).toBe('<<b>>-B');
  });

  it('recognises whole placeholders and variable paths', () => {
    expect(wholePlaceholder('<<base_url>>')).toBe('base_url');
    expect(wholePlaceholder('https://<<host>>')).toBeUndefined();
    expect(isVariablePath('input.id')).toBe(true);
    expect(isVariablePath('api_key')).toBe(false);
  });

  it('a render that throws or substitutes again leaves later parses whole', () => {
    expect(() =>
      substitute('<<a>> <<b>>', () => {
        throw new Error('unresolved');
      }),
    ).toThrow('unresolved');
    expect(parseTemplate('<<a>> <<b>>')).toHaveLength(3);
    expect(listPlaceholders('<<a>> <<b>>')).toEqual(['a', 'b']);
    const nested = substitute('<<a>>-<<b>>', (name) => substitute(`<<x>>${name}`, () => 'X'));
    expect(nested).toBe('Xa-Xb');
  });

  it('wholePlaceholder agrees with parseTemplate', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', 'a', '.', ' ', '-', '_', 'é') }),
        (template) => {
          const parts = parseTemplate(template);
          const only = parts[0];
          const expected =
            parts.length === 1 && only?.kind === 'placeholder' ? only.name : undefined;
          expect(wholePlaceholder(template)).toBe(expected);
          expect(substitute(template, (name) => `[${name}]`)).toBe(
            parts.map((p) => (p.kind === 'text' ? p.text : `[${p.name}]`)).join(''),
          );
        },
      ),
    );
  });
});
