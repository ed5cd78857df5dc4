import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecret } from '../src/index';

describe('maskSecret', () => {
  it.each([
    ['sk_live_51HxYzAbCdEfGh4242', 'sk_live_…4242'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123', 'ghp_…0123'],
    ['xoxb-1234567890-abcdefghij', 'xoxb-…ghij'],
    ['Zm9vYmFyYmF6cXV4cXV1eHh5eXo', 'Zm9v…5eXo'],
    ['🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑', '…🔑🔑🔑🔑'],
    ['abcdefghijkl', '…ijkl'],
    ['hunter2', '•••• (7 chars)'],
    ['', '•••• (0 chars)'],
  ])('masks %s as %s', (value, expected) => {
    expect(maskSecret(value)).toBe(expected);
  });

  it('property: shows at most a short prefix and the last 4 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), (value) => {
        const masked = maskSecret(value);
        const chars = Array.from(value);
        if (chars.length < 12) {
          expect(masked).toBe(`•••• (${chars.length} chars)`);
          return;
        }
        const suffix = chars.slice(-4).join('');
        expect(masked.endsWith(`…${suffix}`)).toBe(true);
        const prefix = masked.slice(0, masked.length - suffix.length - 1);
        expect(value.startsWith(prefix)).toBe(true);
        expect(Array.from(prefix).length).toBeLessThanOrEqual(10);
        // At least 8 characters of every maskable value stay hidden.
        expect(chars.length - Array.from(prefix).length - 4).toBeGreaterThanOrEqual(8);
      }),
    );
  });
});
