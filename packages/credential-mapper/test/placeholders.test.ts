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
});
