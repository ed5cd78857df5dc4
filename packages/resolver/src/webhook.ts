import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  /** Signs the body: receivers check `x-latchkey-signature` before trusting it. */
  secret: string;
}

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

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so a replay of an old body is visible. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Tells the tenant's app that a connection needs its user. Best effort with a short timeout:
 * a slow or failing receiver never holds up a run; the audit log has the event either way.
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
        'x-latchkey-signature': signWebhook(target.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
