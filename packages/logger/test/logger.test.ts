import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('removes secret-bearing fields before writing', () => {
    const { lines, destination } = capture();
    const log = createLogger('test', { destination });
    log.info({ req: { headers: { authorization: 'Bearer lk_supersecret' } } }, 'request');
    log.info({ credentials: { api_key: 'sk_live_abc' }, apiKey: 'lk_other' }, 'write');
    const output = lines.join('');
    expect(output).toContain('request');
    expect(output).not.toContain('lk_supersecret');
    expect(output).not.toContain('sk_live_abc');
    expect(output).not.toContain('lk_other');
    expect(output).toContain('[REDACTED]');
  });
});
