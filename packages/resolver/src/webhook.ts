import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TenantEventType, TenantWebhook } from '@latchkey/db';
import { findEgressRefusal, parseRetryAfter } from '@latchkey/egress';
import { type Vault, webhookSecretContext } from '@latchkey/vault';

/** The operator-wide endpoint (`LATCHKEY_WEBHOOK_URL`, deprecated): one for every tenant. */
export interface WebhookTarget {
  url: string;
  /** Signs the body: receivers check `x-latchkey-signature` before trusting it. */
  secret: string;
}

/** What every event's body says, whatever its type. */
export interface TenantEventBody {
  /** The event id: receivers drop a second delivery of one id. */
  id: string;
  type: TenantEventType;
  tenantId: string;
  /** ISO 8601, when the event happened (not when this delivery was made). */
  createdAt: string;
  /** Ids, names and codes: never a secret. */
  data: Record<string, unknown>;
}

/** An event as its source reports it; the publisher records it and starts its delivery. */
export interface NewTenantEvent {
  tenantId: string;
  type: TenantEventType;
  data: Record<string, unknown>;
}

/** Records an event and starts its delivery; never throws for a delivery problem. */
export type PublishEvent = (event: NewTenantEvent) => Promise<void>;

export interface ConnectionEvent {
  type: 'connection.needs_reauth';
  tenantId: string;
  integrationId: string;
  userId: string;
  connectionId: string;
  /** An OAuth error code such as invalid_grant; never a token. */
  reason: string;
  at: string;
}

export const SIGNATURE_HEADER = 'x-latchkey-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so a replay of an old body is
 * visible. During a secret rotation each live secret adds its own `v1=` entry: a receiver
 * holding either secret finds one that matches.
 */
export function signWebhook(
  secrets: string | readonly string[],
  body: string,
  timestamp: number,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const macs = list.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return [`t=${timestamp}`, ...macs].join(',');
}

/**
 * What a receiver does: true when one `v1=` entry is the HMAC of `<t>.<body>` with `secret`
 * and `t` is within `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('=', 2) as [string, string?]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'),
    'utf8',
  );
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v) return false;
    const given = Buffer.from(v, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * Tells the operator's endpoint that a connection needs its user. Best effort with a short
 * timeout: a slow or failing receiver never holds up a run; the tenant's own endpoint gets
 * the same event durably (tenant_events), and the audit log has it either way.
 */
export async function sendWebhook(
  target: WebhookTarget | undefined,
  event: ConnectionEvent,
): Promise<boolean> {
  if (!target) return false;
  const body = JSON.stringify(event);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(target.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

// --- Tenant webhook secrets -------------------------------------------------------------

/** `whsec_` and 32 random bytes: shown to the tenant once, then only sealed. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export async function signingSecrets(
  vault: Pick<Vault, 'openText'>,
  webhook: Pick<
    TenantWebhook,
    'tenant_id' | 'encrypted_secret' | 'encrypted_previous_secret' | 'previous_secret_expires_at'
  >,
  now = new Date(),
): Promise<string[]> {
  const secrets = [
    await vault.openText(
      webhookSecretContext(webhook.tenant_id, 'current'),
      webhook.encrypted_secret,
    ),
  ];
  if (
    webhook.encrypted_previous_secret &&
    webhook.previous_secret_expires_at &&
    webhook.previous_secret_expires_at > now
  ) {
    secrets.push(
      await vault.openText(
        webhookSecretContext(webhook.tenant_id, 'previous'),
        webhook.encrypted_previous_secret,
      ),
    );
  }
  return secrets;
}

// --- One delivery attempt -----------------------------------------------------------------

export type AttemptVerdict =
  | { kind: 'delivered'; statusCode: number }
  /** Worth another try: network error, timeout, 5xx, 408, 429 (with the server's wait, if any). */
  | { kind: 'retry'; statusCode: number | null; error: string; retryAfterMs?: number }
  /**
   * Another try would get the same answer (other 4xx, a redirect), or the egress policy refused
   * the URL (no status: nothing was sent).
   */
  | { kind: 'rejected'; statusCode: number | null; error: string };

export function classifyWebhookResponse(status: number, retryAfter: string | null): AttemptVerdict {
  if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status };
  if (status >= 500 || status === 429 || status === 408) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return {
      kind: 'retry',
      statusCode: status,
      error: `the endpoint answered ${status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return {
    kind: 'rejected',
    statusCode: status,
    error:
      status >= 300 && status < 400
        ? `the endpoint answered ${status} (redirects are not followed)`
        : `the endpoint answered ${status}`,
  };
}

export interface WebhookAttemptOptions {
  timeoutMs?: number;
  /** A fetch that enforces the egress policy (the worker's `egress.fetch`); the global one otherwise. */
  fetch?: typeof fetch;
}

/**
 * POSTs one signed event body. Redirects are not followed (the registered URL is the one
 * checked); the response body is never read beyond its status.
 */
export async function attemptWebhook(
  url: string,
  secrets: readonly string[],
  event: TenantEventBody,
  options: WebhookAttemptOptions = {},
): Promise<AttemptVerdict> {
  const body = JSON.stringify(event);
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Latchkey-Webhooks/1',
        'x-latchkey-event-id': event.id,
        'x-latchkey-event-type': event.type,
        [SIGNATURE_HEADER]: signWebhook(secrets, body, Math.floor(Date.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel().catch(() => {});
    return classifyWebhookResponse(response.status, response.headers.get('retry-after'));
  } catch (error) {
    // The egress policy's verdict is final: the same URL is refused on every attempt. Its
    // message names host and port only, never the path or userinfo.
    const refusal = findEgressRefusal(error);
    if (refusal) return { kind: 'rejected', statusCode: null, error: refusal.message };
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? 'the endpoint did not answer in time'
        : `could not reach the endpoint (${networkCode(error)})`;
    return { kind: 'retry', statusCode: null, error: reason };
  }
}

/** A network error's code (ECONNREFUSED...), never its message: messages may quote the URL. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
