import { useMutation } from '@tanstack/react-query';
import { trpc } from '../api/trpc';
import { oauthReturnUrl } from './oauth-return';

/**
 * Starts the authorization code flow for one end user (or, without one, for the integration
 * itself) by sending this tab to the provider.
 */
export function useStartConnect(integrationId: string) {
  return useMutation({
    mutationFn: (userId: string | undefined) =>
      trpc.oauth.authorizeUrl.mutate({
        integrationId,
        userId,
        returnUrl: oauthReturnUrl(integrationId),
      }),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}
