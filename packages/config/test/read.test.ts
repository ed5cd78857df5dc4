import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, readProcessEnv } from '../src';

const shape = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SECRET: z.string().min(16, 'must be at least 16 characters'),
  URL: z.url().optional(),
};

function problems(env: NodeJS.ProcessEnv, checks: Parameters<typeof readProcessEnv>[3] = []) {
  try {
    readProcessEnv('demo', shape, env, checks);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('readProcessEnv', () => {
  it('returns typed values with defaults, and treats empty strings as unset', () => {
    const values = readProcessEnv('demo', shape, { SECRET: 'x'.repeat(16), PORT: '', URL: '' });
    expect(values).toEqual({ PORT: 3000, SECRET: 'x'.repeat(16), URL: undefined });
  });

  it('names every bad variable at once, and never echoes a value', () => {
    const error = problems({ PORT: 'eighty', SECRET: 'short-secret-val', URL: 'not a url' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['PORT', 'URL']);
    const secretError = problems({ SECRET: 'tooshort-s3cr3t' });
    expect(secretError.message).toContain('SECRET: must be at least 16 characters');
    expect(secretError.message).not.toContain('tooshort-s3cr3t');
    expect(problems({}).message).toMatch(/^Invalid demo configuration:\n {2}SECRET: /);
  });

  it('runs cross-variable checks once each variable is valid', () => {
    const error = problems({ SECRET: 'x'.repeat(16), URL: 'https://example.test' }, [
      (values) =>
        (values as { PORT: number }).PORT === 3000
          ? { variable: 'PORT', message: 'must be set with URL' }
          : undefined,
    ]);
    expect(error.problems).toEqual([{ variable: 'PORT', message: 'must be set with URL' }]);
  });

  it('leaves the environment it reads untouched', () => {
    const env = { SECRET: 'x'.repeat(16), PORT: '' };
    readProcessEnv('demo', shape, env);
    expect(env).toEqual({ SECRET: 'x'.repeat(16), PORT: '' });
  });
});
