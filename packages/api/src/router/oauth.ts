import { z } from 'zod';
import { connectClientCredentials, startConnect } from '../services/oauth';
import { actorOf, router, scopedProcedure } from '../trpc';
import { httpUrlSchema, integrationIdSchema, userIdSchema } from '../validation/fields';

const procedure = scopedProcedure('integrations');

export const oauthRouter = router({
  /** The URL to send the end user to; the callback seals their tokens in their connection. */
  authorizeUrl: procedure
    .input(
      z.object({
        integrationId: integrationIdSchema,
        userId: userIdSchema,
        returnUrl: httpUrlSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => startConnect(ctx, actorOf(ctx.caller), input)),
  /** Client credentials grant for machine-to-machine integrations. */
  clientCredentials: procedure
    .input(
      z.object({ integrationId: integrationIdSchema, userId: userIdSchema.default('service') }),
    )
    .mutation(({ ctx, input }) => connectClientCredentials(ctx, actorOf(ctx.caller), input)),
});
