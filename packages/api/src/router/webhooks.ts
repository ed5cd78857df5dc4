import { z } from 'zod';
import { getWebhook, removeWebhook, rotateWebhookSecret, setWebhook } from '../services/webhooks';
import { actorOf, router, scopedProcedure } from '../trpc';
import { httpUrlSchema } from '../validation/fields';
import { strictObject } from '../validation/strict';

const adminProcedure = scopedProcedure('admin');

/** A week at most: both secrets sign meanwhile, and a leaked old one should not last. */
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

export const webhooksRouter = router({
  /** The endpoint and a hint of its secret; null when none is set. */
  get: adminProcedure.query(({ ctx }) => getWebhook(ctx.db, ctx.caller.tenantId)),

  /** Sets the endpoint; a new one's signing secret is returned this once. */
  set: adminProcedure
    .input(
      strictObject({
        url: httpUrlSchema.refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
          message: 'must not carry a user or password',
        }),
      }),
    )
    .mutation(({ ctx, input }) => setWebhook(ctx, actorOf(ctx.caller), input)),

  /** A new secret, returned this once; the old one signs too for `overlapSeconds` (default 24 h). */
  rotateSecret: adminProcedure
    .input(
      strictObject({
        overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(86_400),
      }).default({ overlapSeconds: 86_400 }),
    )
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx, actorOf(ctx.caller), input)),

  delete: adminProcedure.mutation(async ({ ctx }) => {
    await removeWebhook(ctx.db, actorOf(ctx.caller));
    return { deleted: true as const };
  }),
});
