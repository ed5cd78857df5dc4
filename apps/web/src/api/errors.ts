import type { AppRouter } from '@latchkey/api';
import { TRPCClientError } from '@trpc/client';

function isApiError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}

/**
 * What to tell the user. The api's messages are written for people and name the field
 * (`Invalid input: urlHost: must be an absolute URL…`), so they are shown as they are.
 */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    // No tRPC error shape: the request never reached the api (network down, proxy error).
    if (!error.data) return `Cannot reach the Latchkey API (${error.message}). Try again.`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.data?.code === 'UNAUTHORIZED';
}

/** 4xx answers will not change on a retry; network errors and 5xx might. */
export function isClientError(error: unknown): boolean {
  const status = isApiError(error) ? error.data?.httpStatus : undefined;
  return status !== undefined && status >= 400 && status < 500;
}
