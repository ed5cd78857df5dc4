// A consumer of the packed @latchkey/client, type-checked by test/build.test.ts in a temporary
// project outside the workspace. Every line here must compile.
import {
  type Connection,
  type Integration,
  isLatchkeyError,
  LatchkeyClient,
  type LatchkeyError,
  type LatchkeyErrorCode,
  type RouterInputs,
  type RouterOutputs,
} from '@latchkey/client';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** `router.procedure` for every procedure whose type collapsed to `any` (an unresolved import). */
type AnyProcedures<T> = {
  [R in keyof T]: {
    [P in keyof T[R]]: IsAny<T[R][P]> extends true ? `${R & string}.${P & string}` : never;
  }[keyof T[R]];
}[keyof T];

export type Checks = [
  Expect<Equal<AnyProcedures<RouterOutputs>, never>>,
  Expect<Equal<AnyProcedures<RouterInputs>, never>>,
  Expect<Equal<Integration['id'], string>>,
  Expect<Equal<Integration['createdAt'], string>>,
  Expect<Equal<Integration['credentials'], { name: string; hint: string }[]>>,
  Expect<
    Equal<
      Connection['status'],
      'active' | 'needs_reauth' | 'insufficient_scope' | 'error' | 'unhealthy'
    >
  >,
  Expect<Equal<RouterInputs['integrations']['get'], { id: string }>>,
  Expect<Equal<LatchkeyError['fields'], { path: string[]; message: string }[] | null>>,
];

export async function demo(apiKey: string): Promise<string[]> {
  const client = new LatchkeyClient({ endpoint: 'http://127.0.0.1:3000', apiKey });
  const stripe = await client.upsertIntegration({
    id: 'stripe',
    urlHost: 'https://api.stripe.com/v1',
    auth: { type: 'bearer' },
    credentials: { secret_key: 'sk_test_123' },
  });
  const renamed = await client.upsertIntegration('stripe', { name: 'Stripe (test)' });
  const connection = await client.upsertConnection({
    integrationId: 'hubspot',
    userId: 'user-42',
    credentials: { access_token: 'pat-1', refresh_token: 'rt-1' },
    grantedScopes: ['crm.objects.contacts.read'],
  });
  const all = await client.listConnections({ userId: 'user-42' });
  await client.deleteConnection({ integrationId: 'hubspot', userId: 'user-42' });
  const deleted: true = (await client.deleteIntegration('stripe')).deleted;
  try {
    await client.getIntegration('missing');
  } catch (error) {
    if (isLatchkeyError(error)) {
      const code: LatchkeyErrorCode = error.code;
      const status: number | null = error.httpStatus;
      return [code, String(status), ...(error.fields ?? []).map((f) => f.path.join('.'))];
    }
  }
  const keys = await client.trpc.apiKeys.list.query();
  return [
    stripe.urlHost,
    renamed.name,
    connection.status,
    String(all.length),
    String(deleted),
    keys[0]?.createdAt.toUpperCase() ?? '',
  ];
}
