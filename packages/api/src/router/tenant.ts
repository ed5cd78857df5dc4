import { findTenantById } from '@latchkey/db';
import { NotFoundError } from '../errors';
import { router, tenantProcedure } from '../trpc';

export const tenantRouter = router({
  /** Who the calling key belongs to and what it may do. */
  me: tenantProcedure.query(async ({ ctx }) => {
    const tenant = await findTenantById(ctx.db, ctx.caller.tenantId);
    if (!tenant) throw new NotFoundError('Tenant not found');
    return {
      tenantId: tenant.id,
      name: tenant.name,
      apiKeyId: ctx.caller.apiKeyId,
      scopes: [...ctx.caller.scopes],
    };
  }),
});
