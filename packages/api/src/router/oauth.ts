import { INTEGRATION_OWN_USER } from '@latchkey/db';
import { connectClientCredentials, startConnect } from '../services/oauth';
import { assertReturnUrlRegistered } from '../services/return-urls';
import { actorOf, router, scopedProcedure } from '../trpc';
import { httpUrlSchema, integrationIdSchema, userIdSchema } from '../validation/fields';
import { strictObject } from '../validation/strict';

const procedure = scopedProcedure('integrations');

export const oauthRouter = router({
  /**
   * The URL to send the end user to; the callback seals their tokens in their connection.
   * Without a user, the tokens become the integration's own (used by runs without a user).
   */
  authorizeUrl: procedure
    .input(
      strictObject({
        integrationId: integrationIdSchema,
        userId: userIdSchema.default(INTEGRATION_OWN_USER),
        returnUrl: httpUrlSchema.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await assertReturnUrlRegistered(ctx.db, ctx.caller.tenantId, input.returnUrl, ctx.publicUrl);
      const { url, expiresAt } = await startConnect(ctx, actorOf(ctx.caller), input);
      return { url, expiresAt };
    }),
  /**
   * Client credentials grant for machine-to-machine integrations: the token is the
   * integration's own unless a user is named.
   */
  clientCredentials: procedure
    .input(
      strictObject({
        integrationId: integrationIdSchema,
        userId: userIdSchema.default(INTEGRATION_OWN_USER),
      }),
    )
    .mutation(({ ctx, input }) => connectClientCredentials(ctx, actorOf(ctx.caller), input)),
});
