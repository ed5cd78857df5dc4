import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isClientError, isUnauthorized } from './errors';
import { forgetApiKey } from './session';

/** A revoked or deleted key signs the console out instead of failing every page. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError(error) {
        if (isUnauthorized(error))
          forgetApiKey('Your API key is no longer accepted. Sign in again.');
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
    },
  });
}
