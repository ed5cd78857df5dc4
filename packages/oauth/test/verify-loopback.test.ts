import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mapRequest } from '@latchkey/credential-mapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntegrationTemplate, TEMPLATES, verificationRequest } from '../src/catalogue';

/**
 * A loopback server stands in for every provider: each template's verification request is
 * built by the credential mapper (the template's host swapped for the loopback's) and sent, and
 * the "provider" answers 200 only when the request carries the secret where the template says
 * it goes, else 401 — as a real provider's cheapest authenticated read would.
 */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: ReturnType<typeof createServer>;
let base = '';
let expectedSecret = '';
const received: Received[] = [];

/** Every place a secret can travel: headers (Basic decoded) and query values. */
function carriesSecret(req: Received, secret: string): boolean {
  const url = new URL(req.url, 'http://x');
  const values = [...url.searchParams.values()];
  for (const value of Object.values(req.headers)) {
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    values.push(text);
    const basic = /^Basic (.+)$/.exec(text);
    if (basic?.[1]) values.push(Buffer.from(basic[1], 'base64').toString('utf8'));
  }
  return values.some((v) => v.includes(secret));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const ok = carriesSecret(request, expectedSecret);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true } : { error: 'unauthorized' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The mapped verification request, with the template's host swapped for the loopback. */
function loopbackRequest(t: IntegrationTemplate, secret: string) {
  const authNames = new Set(
    t.auth.type === 'basic'
      ? [t.auth.username, t.auth.password]
      : 'credential' in t.auth
        ? [t.auth.credential]
        : [],
  );
  // The secret goes in every auth credential; other credentials get plain values.
  const credentials = Object.fromEntries(
    t.credentialNames.map((n) => [n, authNames.has(n) ? secret : `value${n.replace(/_/g, '')}`]),
  );
  const mapped = mapRequest({
    integration: { id: t.id, urlHost: base, urlPath: t.urlPath, credentials },
    templateAuth: t.auth,
    connectionCredentials: t.oauth ? { access_token: secret } : undefined,
    request: verificationRequest(t),
  });
  if (mapped.kind !== 'http') throw new Error(`${t.id}: not an http request`);
  return mapped;
}

describe('every verification request reaches a stand-in provider with its credential', () => {
  const verifiable = TEMPLATES.filter((t) => t.verify);

  it(`sends ${verifiable.length} verification requests, each authenticated`, async () => {
    const refused: string[] = [];
    for (const t of verifiable) {
      expectedSecret = `secret-${t.id}-0123456789`;
      const request = loopbackRequest(t, expectedSecret);
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      const got = received.at(-1)!;
      expect(got.method, t.id).toBe(t.verify!.method ?? 'GET');
      // Below the template's base path (up to its first placeholder), on the stand-in's host.
      const path = new URL(got.url, base).pathname;
      expect(path.startsWith(t.urlPath.split('<<')[0] ?? ''), t.id).toBe(true);
      if (t.verify!.body !== undefined) expect(JSON.parse(got.body), t.id).toEqual(t.verify!.body);
      if (response.status !== 200) refused.push(t.id);
    }
    expect(refused).toEqual([]);
    expect(received).toHaveLength(verifiable.length);
  });

  it('is refused when the credential is wrong (the stand-in checks)', async () => {
    const stripe = TEMPLATES.find((t) => t.id === 'stripe')!;
    expectedSecret = 'the-right-secret-value';
    const request = loopbackRequest(stripe, 'a-wrong-secret-value');
    const response = await fetch(request.url, { headers: request.headers });
    expect(response.status).toBe(401);
    expect(new URL(received.at(-1)!.url, base).pathname).toBe('/v1/account');
  });
});
