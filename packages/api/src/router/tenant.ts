import { findTenantById } from '@latchkey/db';
import { z } from 'zod';
import { NotFoundError } from '../errors';
import { callbackUrlOf } from '../services/oauth';
import { normaliseOrigin, returnOriginsOf, updateReturnOrigins } from '../services/return-urls';
import { router, scopedProcedure, tenantProcedure } from '../trpc';
import { strictObject } from '../validation/strict';

const originSchema = z
  .string()
  .max(2048)
  .refine((value) => normaliseOrigin(value) !== undefined, {
    message: 'must be an origin: http(s)://host[:port], no path',
  })
  .transform((value) => normaliseOrigin(value) as string);

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
  /** The tenant's settings: the origins return URLs may point at. */
  settings: tenantProcedure.query(async ({ ctx }) => ({
    returnOrigins: await returnOriginsOf(ctx.db, ctx.caller.tenantId),
  })),
  /**
   * Admin only: replaces the origins connect links' and authorization flows' return URLs must
   * match (the platform redirects to nothing else).
   */
  updateSettings: scopedProcedure('admin')
    .input(strictObject({ returnOrigins: z.array(originSchema).max(50, 'at most 50 origins') }))
    .mutation(({ ctx, input }) =>
      updateReturnOrigins(ctx.db, ctx.caller.tenantId, input.returnOrigins),
    ),
});
