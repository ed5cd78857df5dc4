import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApiKey, createTenant } from '@latchkey/api';
import { type Db, PLATFORM_TENANT_ID, revokeApiKey } from '@latchkey/db';
import { createTestDatabase } from '@latchkey/devstack/test-db';
import { createLogger } from '@latchkey/logger';
import {
  createTenantPayloadCodec,
  LATCHKEY_ENCODING,
  LATCHKEY_UI_ENCODING,
  payloadConverter,
  TENANT_METADATA_KEY,
} from '@latchkey/temporal';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';
import type { Payload } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEC_SESSION_COOKIE, createCodecHandler, REDACTED } from '../src/codec';
import { createSessionTokens } from '../src/codec/session';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const masterKeys = generateMasterKey('codec');
const MARKER = 'PLAINTEXT-MARKER-123';

interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

function toWire(payloads: Payload[]): { payloads: WirePayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
      data: b64(p.data),
    })),
  };
}

describe('codec endpoint', () => {
  let db: Db;
  let destroy: () => Promise<void>;
  let vault: Vault;
  let server: Server;
  let port: number;
  const logLines: string[] = [];
  const issuedKeys: string[] = [];
  const issuedCookies: string[] = [];
  let acme: { tenantId: string; adminKey: string; codecKey: string; codecKeyId: string };
  let globex: { tenantId: string; adminKey: string };
  let runsOnlyKey: string;

  const codec = () => createTenantPayloadCodec({ vault });

  function call(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string | Buffer; port?: number } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: options.port ?? port, method, path, headers: options.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  function decode(payloads: Payload[], headers: Record<string, string> = {}): Promise<Reply> {
    return call('POST', '/codec/decode', {
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(toWire(payloads)),
    });
  }

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  async function sealed(...values: unknown[]): Promise<Payload[]> {
    return codec().encode(values.map((value) => payloadConverter.toPayload(value)));
  }

  function payloadsOf(reply: Reply): WirePayload[] {
    expect(reply.status).toBe(200);
    return (JSON.parse(reply.body) as { payloads: WirePayload[] }).payloads;
  }

  async function signIn(key: string): Promise<string> {
    const reply = await call('POST', '/codec/session', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ apiKey: key }).toString(),
    });
    expect(reply.status).toBe(200);
    const setCookie = String(reply.headers['set-cookie']);
    const cookie = setCookie.split(';')[0] ?? '';
    issuedCookies.push(setCookie);
    return cookie;
  }

  beforeAll(async () => {
    const testDb = await createTestDatabase();
    db = testDb.db;
    destroy = testDb.destroy;
    vault = await createVault({ db, keyring: parseMasterKeys(masterKeys) });
    const log = createLogger('codec-test', {
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    });
    const a = await createTenant(db, vault, { name: 'codec-acme', actor: 'test' });
    const g = await createTenant(db, vault, { name: 'codec-globex', actor: 'test' });
    const codecKey = await createApiKey(db, {
      tenantId: a.tenantId,
      name: 'ops',
      scopes: ['codec'],
      actor: 'test',
    });
    const runsKey = await createApiKey(db, {
      tenantId: a.tenantId,
      name: 'runs only',
      scopes: ['runs', 'workflows'],
      actor: 'test',
    });
    acme = {
      tenantId: a.tenantId,
      adminKey: a.apiKey.key,
      codecKey: codecKey.key,
      codecKeyId: codecKey.id,
    };
    globex = { tenantId: g.tenantId, adminKey: g.apiKey.key };
    runsOnlyKey = runsKey.key;
    issuedKeys.push(a.apiKey.key, g.apiKey.key, codecKey.key, runsKey.key);

    server = createServer(
      createCodecHandler({ db, vault, log, allowedOrigins: [UI_ORIGIN, 'http://localhost:8233'] }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    vault?.close();
    await destroy?.();
  });

  describe('decode', () => {
    it("decodes the caller's tenant payloads with secret-looking fields redacted", async () => {
      const value = {
        tenantId: acme.tenantId,
        customer: 'Ada',
        password: 'hunter2',
        sealedRuntimeCredentials: 'c2VhbGVk',
        nested: { apiKey: 'k-1', accessToken: 't-1', client_secret: 's', rows: [{ token: 'x' }] },
        note: MARKER,
        refreshToken: null,
      };
      const payloads = payloadsOf(await decode(await sealed(value), bearer(acme.codecKey)));
      expect(payloads).toHaveLength(1);
      expect(unb64(payloads[0]?.metadata.encoding)).toBe('json/plain');
      expect(JSON.parse(unb64(payloads[0]?.data))).toEqual({
        tenantId: acme.tenantId,
        customer: 'Ada',
        password: REDACTED,
        sealedRuntimeCredentials: REDACTED,
        nested: {
          apiKey: REDACTED,
          accessToken: REDACTED,
          client_secret: REDACTED,
          rows: [{ token: REDACTED }],
        },
        note: MARKER,
        refreshToken: null,
      });
    });

    it('leaves JSON without secrets byte for byte, and decodes for an admin key too', async () => {
      // A number JSON.parse would round: re-serialising would change it, so nothing is.
      const json = `{"tenantId":"${acme.tenantId}","big":12345678901234567890,"list":[1,2]}`;
      const original: Payload = {
        metadata: {
          encoding: Buffer.from('json/plain'),
          [TENANT_METADATA_KEY]: Buffer.from(acme.tenantId),
        },
        data: Buffer.from(json),
      };
      const payloads = payloadsOf(
        await decode(await codec().encode([original]), bearer(acme.adminKey)),
      );
      expect(unb64(payloads[0]?.data)).toBe(json);
    });

    it("returns other tenants' and platform payloads still encrypted", async () => {
      const mine = await sealed({ tenantId: acme.tenantId, note: MARKER });
      const theirs = await sealed({ tenantId: globex.tenantId, note: MARKER }, 'platform value');
      const plain = payloadConverter.toPayload({ hello: 'not encrypted' });
      const sent = [...theirs, ...mine, plain];
      const payloads = payloadsOf(await decode(sent, bearer(acme.codecKey)));
      expect(payloads[0]).toEqual(toWire(sent).payloads[0]);
      expect(unb64(payloads[0]?.metadata[TENANT_METADATA_KEY])).toBe(globex.tenantId);
      expect(payloads[1]).toEqual(toWire(sent).payloads[1]);
      expect(unb64(payloads[1]?.metadata[TENANT_METADATA_KEY])).toBe(PLATFORM_TENANT_ID);
      expect(JSON.parse(unb64(payloads[2]?.data))).toEqual({
        tenantId: acme.tenantId,
        note: MARKER,
      });
      expect(payloads[3]).toEqual(toWire(sent).payloads[3]);

      // And the other way round: globex sees only its own.
      const forGlobex = payloadsOf(await decode(sent, bearer(globex.adminKey)));
      expect(JSON.parse(unb64(forGlobex[0]?.data))).toEqual({
        tenantId: globex.tenantId,
        note: MARKER,
      });
      expect(forGlobex[2]).toEqual(toWire(sent).payloads[2]);
      expect(forGlobex.map((p) => unb64(p.data)).join('')).not.toContain(acme.tenantId);
    });

    it("returns a payload relabelled to the caller's tenant still encrypted, without an error", async () => {
      const [theirs] = await sealed({ tenantId: globex.tenantId, note: MARKER });
      const forged: Payload = {
        ...theirs,
        metadata: { ...theirs?.metadata, [TENANT_METADATA_KEY]: Buffer.from(acme.tenantId) },
      };
      const payloads = payloadsOf(await decode([forged], bearer(acme.codecKey)));
      expect(payloads[0]).toEqual(toWire([forged]).payloads[0]);
      expect(unb64(payloads[0]?.metadata.encoding)).toBe(LATCHKEY_ENCODING);
    });

    it('answers 401 without a valid key and 403 without the codec scope', async () => {
      const payloads = await sealed({ tenantId: acme.tenantId });
      const none = await decode(payloads);
      expect(none.status).toBe(401);
      expect(none.body).not.toContain('payloads');
      expect((await decode(payloads, bearer('lk_not-a-real-key'))).status).toBe(401);
      expect((await decode(payloads, { authorization: 'Basic abc' })).status).toBe(401);
      const forbidden = await decode(payloads, bearer(runsOnlyKey));
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatch(/codec scope/);
    });

    it('rejects bodies that are not the protocol', async () => {
      const headers = { ...bearer(acme.codecKey), 'content-type': 'application/json' };
      const notJson = await call('POST', '/codec/decode', { headers, body: 'nope' });
      expect(notJson.status).toBe(400);
      const wrongShape = await call('POST', '/codec/decode', { headers, body: '{"payload":[]}' });
      expect(wrongShape.status).toBe(400);
      const badBase64 = await call('POST', '/codec/decode', {
        headers,
        body: JSON.stringify({ payloads: [{ metadata: { encoding: 'json/plain!' }, data: '' }] }),
      });
      expect(badBase64.status).toBe(400);
      const text = await call('POST', '/codec/decode', {
        headers: { ...bearer(acme.codecKey), 'content-type': 'text/plain' },
        body: '{"payloads":[]}',
      });
      expect(text.status).toBe(415);
      const huge = await call('POST', '/codec/decode', {
        headers,
        body: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20),
      });
      expect(huge.status).toBe(413);
      const empty = await call('POST', '/codec/decode', { headers, body: '{"payloads":[]}' });
      expect(JSON.parse(empty.body)).toEqual({ payloads: [] });
    });

    it('answers 404 and 405 outside the protocol', async () => {
      expect((await call('GET', '/codec/decode')).status).toBe(405);
      expect((await call('POST', '/codec/other')).status).toBe(404);
    });
  });

  describe('encode', () => {
    it("seals with the caller's tenant key, whatever the payload names, for the UI only", async () => {
      const plain = payloadConverter.toPayload({ tenantId: globex.tenantId, note: MARKER });
      const reply = await call('POST', '/codec/encode', {
        headers: { ...bearer(acme.codecKey), 'content-type': 'application/json' },
        body: JSON.stringify(toWire([plain])),
      });
      const [wire] = payloadsOf(reply);
      // Its own encoding and record kind: the worker's codec never opens it (temporal-trust test).
      expect(unb64(wire?.metadata.encoding)).toBe(LATCHKEY_UI_ENCODING);
      expect(unb64(wire?.metadata[TENANT_METADATA_KEY])).toBe(acme.tenantId);
      expect(unb64(wire?.data)).not.toContain(MARKER);
      const encoded: Payload = {
        metadata: Object.fromEntries(
          Object.entries(wire?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(wire?.data ?? '', 'base64'),
      };
      const [decoded] = await codec().decode([encoded]);
      expect(payloadConverter.fromPayload(decoded as Payload)).toEqual({
        tenantId: globex.tenantId,
        note: MARKER,
      });
      expect(
        (
          await call('POST', '/codec/encode', {
            headers: { 'content-type': 'application/json' },
            body: '{"payloads":[]}',
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from the Temporal UI origin', async () => {
      const reply = await call('OPTIONS', '/codec/decode', {
        headers: {
          origin: UI_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
      expect(reply.headers['access-control-allow-credentials']).toBe('true');
      expect(reply.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
      expect(reply.headers['access-control-allow-headers']).toBe(
        'authorization, content-type, x-namespace',
      );
      expect(reply.headers.vary).toBe('Origin');
    });

    it('gives other origins no CORS headers', async () => {
      for (const method of ['OPTIONS', 'POST']) {
        const reply = await call(method, '/codec/decode', {
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': 'POST',
            'content-type': 'application/json',
            ...bearer(acme.codecKey),
          },
          body: method === 'POST' ? '{"payloads":[]}' : undefined,
        });
        expect(reply.headers['access-control-allow-origin']).toBeUndefined();
        expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it('adds CORS headers to answers for the UI origin', async () => {
      const reply = await decode(await sealed({ tenantId: acme.tenantId }), {
        ...bearer(acme.codecKey),
        origin: 'http://localhost:8233',
      });
      expect(reply.status).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe('http://localhost:8233');
      expect(reply.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  describe('browser session', () => {
    it('serves an accessible sign-in form', async () => {
      const reply = await call('GET', '/codec/login');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/text\/html/);
      expect(reply.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(reply.body).toContain('<html lang="en">');
      expect(reply.body).toContain('<label for="api-key">API key</label>');
      expect(reply.body).toMatch(/<input id="api-key" name="apiKey" type="password" required/);
      // Relative, so a proxy may mount the api under a path.
      expect(reply.body).toContain('action="session"');
      expect(reply.body).not.toContain('<script');
      // Not no-referrer: under it the browser posts this form with `Origin: null`.
      expect(reply.headers['referrer-policy']).toBe('same-origin');
    });

    it('accepts a form post from its own page, and refuses one from elsewhere or from null', async () => {
      const post = (headers: Record<string, string>) =>
        call('POST', '/codec/session', {
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams({ apiKey: acme.codecKey }).toString(),
        });
      const own = await post({
        origin: `http://127.0.0.1:${port}`,
        'sec-fetch-site': 'same-origin',
      });
      expect(own.status).toBe(200);
      issuedCookies.push(String(own.headers['set-cookie']));
      const elsewhere: Record<string, string>[] = [
        { origin: 'null' },
        { origin: 'http://localhost:1' },
        { origin: `https://127.0.0.1:${port}` },
        // A browser that left Origin out says where the request came from in Fetch Metadata.
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of elsewhere) {
        const refused = await post(headers);
        expect(refused.status, JSON.stringify(headers)).toBe(403);
        expect(refused.body).toContain('This page was posted from elsewhere.');
        expect(refused.headers['set-cookie']).toBeUndefined();
      }
    });

    it('makes the cookie Secure and SameSite=None when the api is public over https', async () => {
      const secure = createServer(
        createCodecHandler({
          db,
          vault,
          log: createLogger('codec-https-test', { level: 'silent' }),
          allowedOrigins: ['https://temporal.example'],
          publicUrl: 'https://latchkey.example/api',
          temporalUiUrl: 'https://temporal.example',
        }),
      );
      await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
      const securePort = (secure.address() as AddressInfo).port;
      try {
        // Behind the proxy: the browser's origin is the public one.
        const reply = await call('POST', '/codec/session', {
          port: securePort,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'https://latchkey.example',
          },
          body: new URLSearchParams({ apiKey: acme.codecKey }).toString(),
        });
        expect(reply.status).toBe(200);
        const setCookie = String(reply.headers['set-cookie']);
        issuedCookies.push(setCookie);
        expect(setCookie).toMatch(/; Path=\/api\/codec; .*; HttpOnly; Secure; SameSite=None$/);
        expect(reply.body).toContain('<code>https://latchkey.example/api/codec</code>');
        expect(reply.body).toContain('<a href="https://temporal.example">the Temporal UI</a>');
      } finally {
        secure.closeAllConnections();
        await new Promise<void>((resolve) => secure.close(() => resolve()));
      }
    });

    it('signs in with a key, and the cookie decodes for the UI origin', async () => {
      const reply = await call('POST', '/codec/session', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ apiKey: acme.codecKey }).toString(),
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('Use my browser setting and ignore Cluster-level setting.');
      expect(reply.body).toContain('Include cross-origin credentials');
      expect(reply.body).toContain(`http://127.0.0.1:${port}/codec`);
      const setCookie = String(reply.headers['set-cookie']);
      issuedCookies.push(setCookie);
      // Plain http: Strict (the UI on the same host is the same site), not Secure.
      expect(setCookie).toMatch(
        new RegExp(
          `^${CODEC_SESSION_COOKIE}=[^;]+; Path=/codec; Max-Age=28800; HttpOnly; SameSite=Strict$`,
        ),
      );
      expect(setCookie).not.toContain(acme.codecKey);
      const cookie = setCookie.split(';')[0] ?? '';

      const value = { tenantId: acme.tenantId, note: MARKER, secret: 'shh' };
      const payloads = payloadsOf(await decode(await sealed(value), { cookie, origin: UI_ORIGIN }));
      expect(JSON.parse(unb64(payloads[0]?.data))).toEqual({ ...value, secret: REDACTED });
      // The UI's own access token in the header does not hide the cookie.
      const withUiToken = await decode(await sealed(value), {
        cookie,
        origin: UI_ORIGIN,
        authorization: 'Bearer eyJhbGciOi.oidc.token',
      });
      expect(withUiToken.status).toBe(200);
    });

    it('signs in with JSON or a header too', async () => {
      const json = await call('POST', '/codec/session', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: acme.codecKey }),
      });
      expect(json.status).toBe(200);
      expect(new Date(JSON.parse(json.body).expiresAt).getTime()).toBeGreaterThan(Date.now());
      issuedCookies.push(String(json.headers['set-cookie']));
      const header = await call('POST', '/codec/session', { headers: bearer(acme.codecKey) });
      expect(header.status).toBe(200);
      issuedCookies.push(String(header.headers['set-cookie']));
    });

    it('refuses bad keys and keys without the scope, without setting a cookie', async () => {
      const bad = await call('POST', '/codec/session', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'apiKey=lk_wrong',
      });
      expect(bad.status).toBe(401);
      expect(bad.body).toContain('role="alert"');
      expect(bad.headers['set-cookie']).toBeUndefined();
      const scoped = await call('POST', '/codec/session', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: runsOnlyKey }),
      });
      expect(scoped.status).toBe(403);
      expect(scoped.headers['set-cookie']).toBeUndefined();
      const fromElsewhere = await call('POST', '/codec/session', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://evil.example',
        },
        body: new URLSearchParams({ apiKey: acme.codecKey }).toString(),
      });
      expect(fromElsewhere.status).toBe(403);
      expect(fromElsewhere.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a cookie sent from another origin, or altered', async () => {
      const cookie = await signIn(acme.codecKey);
      const payloads = await sealed({ tenantId: acme.tenantId });
      expect((await decode(payloads, { cookie, origin: 'https://evil.example' })).status).toBe(403);
      const [name, token = ''] = cookie.split('=');
      const altered = Buffer.from(token, 'base64url');
      altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 1;
      const tampered = `${name}=${altered.toString('base64url')}`;
      expect((await decode(payloads, { cookie: tampered })).status).toBe(401);
      expect((await decode(payloads, { cookie: `${name}=garbage` })).status).toBe(401);
      expect((await decode(payloads, { cookie })).status).toBe(200);
    });

    it('keeps a session across api processes that share the master keys, until it expires', async () => {
      const cookie = await signIn(acme.codecKey);
      const payloads = await sealed({ tenantId: acme.tenantId, note: MARKER });
      // Another process: its own handler and its own vault over the same keys.
      const otherVault = await createVault({ db, keyring: parseMasterKeys(masterKeys) });
      const other = createServer(
        createCodecHandler({
          db,
          vault: otherVault,
          log: createLogger('codec-other', { level: 'silent' }),
          allowedOrigins: [UI_ORIGIN],
        }),
      );
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const otherPort = (other.address() as AddressInfo).port;
      try {
        const reply = await call('POST', '/codec/decode', {
          port: otherPort,
          headers: { 'content-type': 'application/json', cookie, origin: UI_ORIGIN },
          body: JSON.stringify(toWire(payloads)),
        });
        expect(JSON.parse(unb64(payloadsOf(reply)[0]?.data))).toMatchObject({ note: MARKER });
      } finally {
        other.closeAllConnections();
        await new Promise<void>((resolve) => other.close(() => resolve()));
        otherVault.close();
      }
      const expired = await createSessionTokens({ vault, ttlMs: -1000 }).issue(acme.codecKeyId);
      expect(
        (await decode(payloads, { cookie: `${CODEC_SESSION_COOKIE}=${expired.token}` })).status,
      ).toBe(401);
    });

    it("stops a revoked key's session", async () => {
      const key = await createApiKey(db, {
        tenantId: acme.tenantId,
        name: 'soon revoked',
        scopes: ['codec'],
        actor: 'test',
      });
      issuedKeys.push(key.key);
      const cookie = await signIn(key.key);
      const payloads = await sealed({ tenantId: acme.tenantId, note: MARKER });
      expect((await decode(payloads, { cookie, origin: UI_ORIGIN })).status).toBe(200);
      expect(await revokeApiKey(db, acme.tenantId, key.id)).toBe(true);
      expect((await decode(payloads, { cookie, origin: UI_ORIGIN })).status).toBe(401);
      expect((await decode(payloads, bearer(key.key))).status).toBe(401);
    });

    it('signs out by clearing the cookie, only when asked from its own page', async () => {
      const reply = await call('POST', '/codec/logout', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(reply.status).toBe(200);
      expect(String(reply.headers['set-cookie'])).toMatch(
        new RegExp(`^${CODEC_SESSION_COOKIE}=; Path=/codec; Max-Age=0; HttpOnly; SameSite=Strict`),
      );
      expect(reply.body).toContain('Signed out');
      const elsewhere = await call('POST', '/codec/logout', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      });
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('logs and cookies', () => {
    it('log each request by path and status, and never a key, cookie or payload', () => {
      expect(logLines.length).toBeGreaterThan(20);
      const all = logLines.join('');
      for (const key of issuedKeys) expect(all).not.toContain(key);
      for (const cookie of issuedCookies) {
        const token = cookie.split(';')[0]?.split('=')[1] ?? '';
        expect(token.length).toBeGreaterThan(40);
        expect(all).not.toContain(token);
        for (const key of issuedKeys) expect(cookie).not.toContain(key);
      }
      expect(all).not.toContain(MARKER);
      expect(all).not.toContain('hunter2');
      for (const line of logLines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg !== 'codec request') continue;
        const { path, status, msg, level, time, pid, hostname, name } = entry;
        expect(Object.keys(entry).sort()).toEqual(
          Object.keys({ path, status, msg, level, time, pid, hostname, name }).sort(),
        );
        expect(String(path)).toMatch(/^\/codec\//);
      }
    });
  });
});
