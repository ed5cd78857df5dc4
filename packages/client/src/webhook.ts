/**
 * Checks a Latchkey webhook's `x-latchkey-signature` header in a receiver: `t=<unix seconds>`
 * then one `v1=<hex HMAC-SHA256 of "<t>.<raw body>">` per secret that signs (two during a
 * secret rotation). True when one matches `secret` and `t` is within `toleranceSeconds` of
 * now. Uses Web Crypto, so it runs in Node 20+, browsers, Deno and workers alike.
 */
export async function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
  });
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  for (const [name, value] of parts) {
    if (name !== 'v1' || !/^[0-9a-f]{64}$/.test(value)) continue;
    const mac = new Uint8Array(value.match(/../g)?.map((byte) => Number.parseInt(byte, 16)) ?? []);
    // subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', key, mac, encoder.encode(`${t}.${rawBody}`))) {
      return true;
    }
  }
  return false;
}
