import { z } from 'zod';
import {
  createConnectLink,
  DEFAULT_CONNECT_LINK_TTL_MINUTES,
  MAX_CONNECT_LINK_TTL_MINUTES,
  revokeConnectLink,
} from '../services/connect-links';
import { actorOf, router, scopedProcedure } from '../trpc';
import { httpUrlSchema, integrationIdSchema, userIdSchema } from '../validation/fields';
import { strictObject } from '../validation/strict';

export const connectLinksRouter = router({
  /**
   * A short-lived URL an application hands to its end user: opening it connects that user's
   * account to the integration through OAuth, with no API key in the browser.
   */
  create: scopedProcedure('integrations')
    .input(
      strictObject({
        integrationId: integrationIdSchema,
        userId: userIdSchema,
        returnUrl: httpUrlSchema.optional(),
        ttlMinutes: z
          .number()
          .int('must be a whole number of minutes')
          .min(1, 'must be at least 1 minute')
          .max(
            MAX_CONNECT_LINK_TTL_MINUTES,
            `must be at most ${MAX_CONNECT_LINK_TTL_MINUTES} minutes`,
          )
          .default(DEFAULT_CONNECT_LINK_TTL_MINUTES),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { url, linkId, expiresAt } = await createConnectLink(ctx, actorOf(ctx.caller), input);
      return { url, linkId, expiresAt };
    }),
  /** Ends a link at once: opening it afterwards shows a page, and no connection is made. */
  revoke: scopedProcedure('integrations')
    .input(strictObject({ linkId: z.uuid('must be a connect link id') }))
    .mutation(({ ctx, input }) => revokeConnectLink(ctx, actorOf(ctx.caller), input.linkId)),
});
