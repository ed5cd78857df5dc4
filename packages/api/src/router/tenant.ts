import { findTenantById } from '@latchkey/db';
import { NotFoundError } from '../errors';
import { callbackUrlOf } from '../services/oauth';
import { router, tenantProcedure } from '../trpc';

/** Where the api server (apps/api) mounts the Temporal UI's codec endpoint. */
const codecEndpointOf = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}/codec`;

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
      /** Where operators browse runs, and the codec endpoint to give it (README: Inspecting runs). */
      temporalUi: ctx.temporalUi
        ? { ...ctx.temporalUi, codecEndpoint: codecEndpointOf(ctx.publicUrl) }
        : null,
      /** The redirect URI to register with OAuth providers. */
      oauthCallbackUrl: callbackUrlOf(ctx.publicUrl),
    };
  }),
});
