import { API_KEY_SCOPES } from '@latchkey/db';
import { z } from 'zod';
import { createApiKey, listTenantApiKeys, revokeTenantApiKey } from '../services/tenants';
import { actorOf, router, scopedProcedure } from '../trpc';
import { apiKeyPageSchema } from '../validation/page';
import { strictObject } from '../validation/strict';

const adminProcedure = scopedProcedure('admin');

export const apiKeysRouter = router({
  list: adminProcedure
    .input(apiKeyPageSchema)
    .query(({ ctx, input }) => listTenantApiKeys(ctx.db, ctx.caller.tenantId, input)),

  /** Returns the key once; afterwards only its prefix is ever shown. */
  create: adminProcedure
    .input(
      strictObject({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
      }),
    )
    .mutation(({ ctx, input }) =>
      createApiKey(ctx.db, {
        ...actorOf(ctx.caller),
        name: input.name,
        scopes: [...new Set(input.scopes)],
      }),
    ),

  revoke: adminProcedure.input(strictObject({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    await revokeTenantApiKey(ctx.db, {
      tenantId: ctx.caller.tenantId,
      id: input.id,
      actor: `api_key:${ctx.caller.apiKeyId}`,
    });
    return { id: input.id, revoked: true as const };
  }),
});
