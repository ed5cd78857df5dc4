import { INTEGRATION_OWN_USER } from '@latchkey/db';
import { connectClientCredentials, createAuthorizeLink } from '../services/oauth';
import { assertReturnUrlRegistered } from '../services/return-urls';
import { actorOf, router, scopedProcedure } from '../trpc';
import { httpUrlSchema, integrationIdSchema, userIdSchema } from '../validation/fields';
import { strictObject } from '../validation/strict';

const procedure = scopedProcedure('integrations');

export const oauthRouter = router({
  /**
   * The URL to send the end user to; the callback seals their tokens in their connection.
   * Without a user, the tokens become the integration's own (used by runs without a user).
   * The URL is a single-use start URL of the api's: the browser that opens it first is the
   * only one that can complete the flow (a connect cookie), then it goes on to the provider.
   * It expires at `expiresAt`, with the flow.
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
      await assertReturnUrlRegistered(ctx.db, ctx.caller.tenantId, input.returnUrl, ctx);
      const { url, expiresAt } = await createAuthorizeLink(ctx, actorOf(ctx.caller), input);
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
