import { describe, expect, it } from 'vitest';
import { sealedAd } from '../src/ad';
import {
  authorizeUrlContext,
  connectionCredentialsContext,
  connectLinkGrantContext,
  integrationClientSecretContext,
  integrationCredentialsContext,
  pkceVerifierContext,
  RECORD_KINDS,
  runKeyContext,
  runResultContext,
  SEALED_COLUMNS,
  type SealContext,
  webhookSecretContext,
} from '../src/index';

const tenant = '0b6f3e1c-5d2a-4c8e-9f1b-7a3d2e4c6b8a';

/**
 * The associated data as stored values were sealed with before the builders existed, written
 * out from the documented layout (ad.ts): header 01 | key version u32 | tenant | kind | record
 * | 00, or 01 and the user. Every field is a u16 length and its UTF-8 bytes.
 */
function storedAd(kind: string, recordId: string, userId: string | null): string {
  const field = (value: string) =>
    Buffer.byteLength(value).toString(16).padStart(4, '0') + Buffer.from(value).toString('hex');
  const user = userId === null ? '00' : `01${field(userId)}`;
  return `0100000001${field(tenant)}${field(kind)}${field(recordId)}${user}`;
}

const adOf = (ctx: SealContext) => Buffer.from(sealedAd(1, tenant, ctx)).toString('hex');

describe('seal contexts: one builder per record kind', () => {
  it('writes the layout the pinned bytes assume', () => {
    // One value spelled out byte for byte, so the helper above cannot drift with ad.ts.
    expect(storedAd('run.result', 'r-1', 'al')).toBe(
      '0100000001' +
        '0024' +
        Buffer.from(tenant).toString('hex') +
        '000a72756e2e726573756c74' +
        '0003722d31' +
        '010002616c',
    );
  });

  it('binds every kind exactly as values already stored were sealed', () => {
    const cases: [SealContext, string][] = [
      [
        integrationCredentialsContext(tenant, 'stripe'),
        storedAd('integration.credentials', 'stripe', null),
      ],
      [
        integrationClientSecretContext(tenant, 'stripe'),
        storedAd('integration.oauth_client_secret', 'stripe', null),
      ],
      [
        connectionCredentialsContext(tenant, 'c-1', 'alice'),
        storedAd('connection.credentials', 'c-1', 'alice'),
      ],
      [
        pkceVerifierContext(tenant, 's-1', 'alice'),
        storedAd('oauth_state.pkce_verifier', 's-1', 'alice'),
      ],
      [connectLinkGrantContext(tenant, 'l-1'), storedAd('connect_link.grant', 'l-1', null)],
      [runResultContext(tenant, 'r-1', 'alice'), storedAd('run.result', 'r-1', 'alice')],
      [runResultContext(tenant, 'r-1', null), storedAd('run.result', 'r-1', null)],
      [runResultContext(tenant, 'r-1', undefined), storedAd('run.result', 'r-1', null)],
      // An empty user is a present one, as before: only null and absent mean tenant-wide.
      [runResultContext(tenant, 'r-1', ''), storedAd('run.result', 'r-1', '')],
      [runKeyContext(tenant, 'r-1'), storedAd('run.runtime_credentials', 'r-1', null)],
      [webhookSecretContext(tenant, 'current'), storedAd('tenant_webhook.secret', tenant, null)],
      [
        webhookSecretContext(tenant, 'previous'),
        storedAd('tenant_webhook.previous_secret', tenant, null),
      ],
    ];
    for (const [ctx, expected] of cases)
      expect({ kind: ctx.kind, ad: adOf(ctx) }).toEqual({ kind: ctx.kind, ad: expected });
  });

  it("gives the re-seal registry the writers' contexts", () => {
    const row = {
      tenant_id: tenant,
      id: 'row-1',
      run_id: 'run-1',
      user_id: 'alice',
    };
    const byColumn = Object.fromEntries(
      SEALED_COLUMNS.map((c) => [`${c.table}.${c.column}`, adOf(c.context(row))]),
    );
    expect(byColumn).toEqual({
      'integrations.encrypted_credentials': adOf(integrationCredentialsContext(tenant, 'row-1')),
      'integrations.encrypted_oauth_client_secret': adOf(
        integrationClientSecretContext(tenant, 'row-1'),
      ),
      'connections.encrypted_credentials': adOf(
        connectionCredentialsContext(tenant, 'row-1', 'alice'),
      ),
      'oauth_states.encrypted_pkce_verifier': adOf(pkceVerifierContext(tenant, 'row-1', 'alice')),
      'oauth_states.encrypted_authorize_url': adOf(authorizeUrlContext(tenant, 'row-1', 'alice')),
      'runs.encrypted_result': adOf(runResultContext(tenant, 'row-1', 'alice')),
      'run_keys.encrypted_key': adOf(runKeyContext(tenant, 'run-1')),
      'tenant_webhooks.encrypted_secret': adOf(webhookSecretContext(tenant, 'current')),
      'tenant_webhooks.encrypted_previous_secret': adOf(webhookSecretContext(tenant, 'previous')),
    });
    // Every stored kind has its column; the rest are sealed outside tables (payloads, grants).
    const stored = new Set(SEALED_COLUMNS.map((c) => c.context(row).kind));
    expect(RECORD_KINDS.filter((kind) => !stored.has(kind))).toEqual([
      'connect_link.grant',
      'temporal.payload',
      'temporal.ui_payload',
    ]);
  });
});
