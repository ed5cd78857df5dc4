import { describe, expectTypeOf, it } from 'vitest';
import type {
  Connection,
  ConnectionUpsertInput,
  Integration,
  IntegrationUpsertInput,
  LatchkeyClient,
  LatchkeyError,
  RouterInputs,
  RouterOutputs,
} from '../src/index';

// Compile-time checks (run by `tsc --noEmit`): the client's types are the router's, so a
// change to a procedure's input or output changes (or breaks) these.
describe('types inferred from the router', () => {
  it('takes inputs from the router', () => {
    expectTypeOf<IntegrationUpsertInput>().toEqualTypeOf<RouterInputs['integrations']['upsert']>();
    expectTypeOf<ConnectionUpsertInput>().toEqualTypeOf<RouterInputs['connections']['upsert']>();
    expectTypeOf<Parameters<LatchkeyClient['getConnection']>[0]>().toEqualTypeOf<{
      integrationId: string;
      userId: string;
    }>();
    expectTypeOf<IntegrationUpsertInput['id']>().toEqualTypeOf<string>();
    // A flat map (an unset `process.env.X` is allowed and dropped), or the hint list a read
    // returns, passed back unchanged.
    expectTypeOf<IntegrationUpsertInput['credentials']>().toEqualTypeOf<
      | Record<string, string | number | undefined>
      | { name: string; hint: string }[]
      | null
      | undefined
    >();
  });

  it('returns outputs as they arrive over JSON (dates as strings)', () => {
    expectTypeOf<Integration>().toEqualTypeOf<RouterOutputs['integrations']['get']>();
    expectTypeOf<ReturnType<LatchkeyClient['getIntegration']>>().toEqualTypeOf<
      Promise<Integration>
    >();
    expectTypeOf<Awaited<ReturnType<LatchkeyClient['listConnections']>>>().toEqualTypeOf<
      Connection[]
    >();
    expectTypeOf<Awaited<ReturnType<LatchkeyClient['listIntegrations']>>>().toEqualTypeOf<
      Integration[]
    >();
    expectTypeOf<Integration['createdAt']>().toEqualTypeOf<string>();
    expectTypeOf<Integration['credentials']>().toEqualTypeOf<{ name: string; hint: string }[]>();
    expectTypeOf<Connection['status']>().toEqualTypeOf<
      'active' | 'needs_reauth' | 'insufficient_scope' | 'error' | 'unhealthy'
    >();
    expectTypeOf<LatchkeyError['fields']>().toEqualTypeOf<
      { path: string[]; message: string }[] | null
    >();
  });

  it('rejects wrong inputs', () => {
    const check = (client: LatchkeyClient) => {
      // @ts-expect-error id must be a string
      void client.upsertIntegration({ id: 123 });
      // @ts-expect-error the id in the second form's fields is a string too
      void client.upsertIntegration('stripe', { id: 1 });
      // @ts-expect-error unknown auth type
      void client.upsertIntegration('stripe', { auth: { type: 'magic' } });
      // @ts-expect-error a header scheme needs the header name
      void client.upsertIntegration('stripe', { auth: { type: 'header' } });
      // @ts-expect-error credentials are a flat map of strings or numbers
      void client.upsertIntegration('stripe', { credentials: { nested: { a: 1 } } });
      // @ts-expect-error userId is required
      void client.upsertConnection({ integrationId: 'hubspot' });
      // @ts-expect-error grantedScopes is a list
      void client.upsertConnection({ integrationId: 'h', userId: 'u', grantedScopes: 'a b' });
      // @ts-expect-error getConnection needs the user
      void client.getConnection({ integrationId: 'hubspot' });
      // @ts-expect-error the raw client is typed too
      void client.trpc.integrations.get.query({ id: 1 });
    };
    expectTypeOf(check).toBeFunction();
  });
});
