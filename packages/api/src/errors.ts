import { EgressRefusedError } from '@latchkey/egress';
import { OAuthNotConfiguredError } from '@latchkey/resolver';
import { TRPCError } from '@trpc/server';

/** Domain errors raised by services; mapped to tRPC codes in one place (toTRPCError). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
export class PreconditionError extends Error {
  override readonly name = 'PreconditionError';
}
/** A limit at the door was reached: the message names it; retry after the time, if given. */
export class TooManyRequestsError extends Error {
  override readonly name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  /** Whole seconds for Retry-After, at least 1. */
  get retryAfterSeconds(): number | undefined {
    return this.retryAfterMs === undefined
      ? undefined
      : Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}

export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof NotFoundError)
    return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof ConflictError)
    return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (error instanceof InvalidInputError)
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof TooManyRequestsError)
    return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message, cause: error });
  // A tenant-defined destination (an OAuth endpoint) the egress policy refused; final.
  if (error instanceof EgressRefusedError)
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof PreconditionError || error instanceof OAuthNotConfiguredError) {
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message, cause: error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', cause: error });
}
