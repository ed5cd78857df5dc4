import type { MappedHttpRequest } from '@latchkey/credential-mapper';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeHttp, type RetryDelayRules, StepError } from '../src/index';
import { type Loopback, sendJson, startLoopback } from './loopback';

/**
 * A loopback server stands in for providers that each say "retry later" their own way; the HTTP
 * step's error carries the delay that the provider's rate-limit rules read from the response.
 */
let provider: Loopback;
const egress = createTestEgress();

const styles: Record<string, () => Record<string, string>> = {
  'retry-after-seconds': () => ({ 'Retry-After': '4' }),
  'retry-after-date': () => ({ 'Retry-After': new Date(Date.now() + 20_000).toUTCString() }),
  'epoch-seconds': () => ({ 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 10) }),
  'epoch-ms': () => ({ 'X-RateLimit-Requests-Reset': String(Date.now() + 3000) }),
  'delta-seconds': () => ({ 'x-ratelimit-reset': '5' }),
  'http-date': () => ({ 'RateLimit-Reset': new Date(Date.now() + 15_000).toUTCString() }),
  'provider-retry-header': () => ({ 'X-RateLimit-Retry-After': '6', 'Retry-After': '30' }),
};

beforeAll(async () => {
  provider = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const style = styles[url.pathname.slice(1)];
    const status = Number(url.searchParams.get('status') ?? 429);
    const extra = url.searchParams.get('remaining');
    const headers = {
      ...(style ? style() : {}),
      ...(extra !== null ? { 'X-RateLimit-Remaining': extra } : {}),
    };
    sendJson(res, status, { error: 'slow down' }, headers);
  });
  allowEgress(egress, provider.url);
});

afterAll(async () => {
  await provider.close();
  await egress.close();
});

const request = (path: string): MappedHttpRequest => ({
  kind: 'http',
  method: 'GET',
  url: `${provider.url}${path}`,
  headers: { Authorization: 'Bearer token-value' },
  explanation: [],
  secrets: [],
});

async function delayOf(path: string, rateLimit?: RetryDelayRules): Promise<number | undefined> {
  const error = await executeHttp(request(path), {
    timeoutMs: 2000,
    redact: (t) => t,
    stepId: 'call',
    egress,
    rateLimit,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return (error as StepError).retryAfterMs;
}

// Rules as the catalogue declares them (GitHub, Linear, Pipedrive, GoCardless, Help Scout).
const GITHUB: RetryDelayRules = {
  retryAfter: ['Retry-After'],
  reset: [{ header: 'X-RateLimit-Reset', format: 'epoch_seconds' }],
  remaining: 'X-RateLimit-Remaining',
};
const LINEAR: RetryDelayRules = {
  reset: [{ header: 'X-RateLimit-Requests-Reset', format: 'epoch_ms' }],
};
const PIPEDRIVE: RetryDelayRules = {
  retryAfter: ['Retry-After'],
  reset: [{ header: 'x-ratelimit-reset', format: 'delta_seconds' }],
};
const GOCARDLESS: RetryDelayRules = {
  reset: [{ header: 'RateLimit-Reset', format: 'http_date' }],
};
const HELP_SCOUT: RetryDelayRules = { retryAfter: ['X-RateLimit-Retry-After'] };

describe('the HTTP step’s retry delay from a provider’s rate-limit headers', () => {
  it('Retry-After in seconds and as an HTTP date', async () => {
    expect(await delayOf('/retry-after-seconds')).toBe(4000);
    const dated = await delayOf('/retry-after-date');
    // HTTP dates have whole seconds.
    expect(dated).toBeGreaterThan(18_000);
    expect(dated).toBeLessThanOrEqual(20_000);
  });

  it('a reset in epoch seconds, with the rules', async () => {
    const ms = await delayOf('/epoch-seconds', GITHUB);
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(11_000);
    // Without rules the header means nothing and the default delay applies.
    expect(await delayOf('/epoch-seconds')).toBe(1000);
  });

  it('a reset in epoch milliseconds', async () => {
    const ms = await delayOf('/epoch-ms', LINEAR);
    expect(ms).toBeGreaterThan(2_000);
    expect(ms).toBeLessThanOrEqual(3_000);
  });

  it('a reset in seconds from now', async () => {
    expect(await delayOf('/delta-seconds', PIPEDRIVE)).toBe(5000);
  });

  it('a reset as an HTTP date', async () => {
    const ms = await delayOf('/http-date', GOCARDLESS);
    expect(ms).toBeGreaterThan(13_000);
    expect(ms).toBeLessThanOrEqual(15_000);
  });

  it("the provider's own retry header first", async () => {
    expect(await delayOf('/provider-retry-header', HELP_SCOUT)).toBe(6000);
    expect(await delayOf('/provider-retry-header')).toBe(30_000);
  });

  it('a 503 uses a reset header only once the remaining quota is spent', async () => {
    expect(await delayOf('/epoch-seconds?status=503&remaining=5', GITHUB)).toBeUndefined();
    const ms = await delayOf('/epoch-seconds?status=503&remaining=0', GITHUB);
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(11_000);
  });
});
