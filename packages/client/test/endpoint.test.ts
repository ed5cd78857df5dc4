import { describe, expect, it } from 'vitest';
import { normalizeEndpoint } from '../src/endpoint';

describe('normalizeEndpoint', () => {
  it.each([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000/trpc'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/trpc'],
    ['http://127.0.0.1:3000/trpc', 'http://127.0.0.1:3000/trpc'],
    ['http://127.0.0.1:3000/trpc/', 'http://127.0.0.1:3000/trpc'],
    ['https://latchkey.example.com/api', 'https://latchkey.example.com/api/trpc'],
    ['https://latchkey.example.com/api//', 'https://latchkey.example.com/api/trpc'],
    ['https://latchkey.example.com/api/trpc', 'https://latchkey.example.com/api/trpc'],
    ['  https://LATCHKEY.example.com  ', 'https://latchkey.example.com/trpc'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeEndpoint(input)).toBe(expected);
  });

  it('does not mistake a path that merely ends in "trpc" for the tRPC path', () => {
    expect(normalizeEndpoint('https://example.com/mytrpc')).toBe('https://example.com/mytrpc/trpc');
  });

  it.each([
    ['', /required/],
    ['127.0.0.1:3000', /http or https|absolute URL/],
    ['localhost', /absolute URL/],
    ['ftp://example.com', /http or https/],
    ['https://user:secret@example.com', /user name or password/],
    ['https://example.com/?x=1', /query string/],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeEndpoint(input)).toThrow(TypeError);
    expect(() => normalizeEndpoint(input)).toThrow(message);
  });

  it('never echoes a password from the endpoint', () => {
    expect(() => normalizeEndpoint('https://user:hunter2@example.com')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
