import { describe, expect, it } from 'vitest';
import { classifyWebhookResponse, signWebhook, verifyWebhookSignature } from '../src/webhook';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'e1', type: 'run.failed' });
  const now = 1_800_000_000_000;
  const t = Math.floor(now / 1000);

  it('signs with each live secret, and each verifies on its own', () => {
    const header = signWebhook(['whsec_new_aaaaaaaaaaaa', 'whsec_old_bbbbbbbbbbbb'], body, t);
    expect(header.split(',')).toHaveLength(3);
    expect(verifyWebhookSignature('whsec_new_aaaaaaaaaaaa', header, body, { now })).toBe(true);
    expect(verifyWebhookSignature('whsec_old_bbbbbbbbbbbb', header, body, { now })).toBe(true);
    expect(verifyWebhookSignature('whsec_other_ccccccccc', header, body, { now })).toBe(false);
  });

  it('refuses a changed body, an old timestamp and a missing header', () => {
    const header = signWebhook('whsec_new_aaaaaaaaaaaa', body, t);
    expect(verifyWebhookSignature('whsec_new_aaaaaaaaaaaa', header, `${body} `, { now })).toBe(
      false,
    );
    expect(
      verifyWebhookSignature('whsec_new_aaaaaaaaaaaa', header, body, { now: now + 301_000 }),
    ).toBe(false);
    expect(verifyWebhookSignature('whsec_new_aaaaaaaaaaaa', undefined, body, { now })).toBe(false);
    // A replayed timestamp with the body's MAC from another timestamp does not pass.
    const forged = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyWebhookSignature('whsec_new_aaaaaaaaaaaa', forged, body, { now })).toBe(false);
  });
});

describe('what an endpoint answer means', () => {
  it('delivers on 2xx, retries network-ish answers, stops on other 4xx and redirects', () => {
    expect(classifyWebhookResponse(204, null)).toEqual({ kind: 'delivered', statusCode: 204 });
    for (const status of [500, 502, 503, 408, 429]) {
      expect(classifyWebhookResponse(status, null).kind).toBe('retry');
    }
    for (const status of [400, 401, 403, 404, 410, 301, 302]) {
      expect(classifyWebhookResponse(status, null).kind).toBe('rejected');
    }
  });

  it('a 429 retries after the time its Retry-After gives', () => {
    expect(classifyWebhookResponse(429, '3')).toMatchObject({ kind: 'retry', retryAfterMs: 3_000 });
  });
});
