import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiKeyScope, Db, RunFinishedFeed } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import type { Logger } from '@latchkey/logger';
import type { Vault } from '@latchkey/vault';
import type { Planner } from '@latchkey/workflow-engine';
import type { Client as TemporalClient } from '@temporalio/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, type z } from 'zod';
import { bearerToken } from './auth/api-key-secret';
import { type Caller, hasScope } from './auth/authenticate';
import { authenticateAtTheDoor } from './auth/door';
import { TooManyRequestsError, toTRPCError } from './errors';
import { clientAddress } from './limits/client-address';
import type { DoorLimits } from './limits/config';
import type { RateLimits } from './limits/rate-limits';
import type { Actor } from './services/actor';

/** Long-lived dependencies, built once at start-up (or by a test). */
export interface ApiDeps {
  db: Db;
  vault: Vault;
  /** The api's public base URL (OAuth callbacks are built from it). */
  publicUrl: string;
  /**
   * Other origins the console is served from (its dev server under `pnpm dev`): like the api's
   * own, return URLs there need no registration by the tenant.
   */
  consoleOrigins?: readonly string[];
  /**
   * Tenant egress: checks integration destinations at upsert and every OAuth request to a
   * tenant's authorize, token or revoke URL (see @latchkey/egress).
   */
  egress: EgressPolicy;
  /** The worker fleet's task queue (tests give each file its own). */
  taskQueue: string;
  /** The LLM planner behind `workflows.build` without steps; absent when not configured. */
  planner?: Planner;
  log: Logger;
  /** Connects lazily so the api starts even while Temporal is still coming up. */
  temporal: () => Promise<TemporalClient>;
  /** Tells `runs.execute` with `wait` the moment a run's row is finished. */
  runFinished: RunFinishedFeed;
  /** Where operators browse runs; the console links each run there. */
  temporalUi?: { url: string; namespace: string };
  /** Limits at the door (limits/config.ts) and the shared counters behind the rate limits. */
  doorLimits: DoorLimits;
  rateLimits: RateLimits;
}

export interface Context extends ApiDeps {
  requestId: string;
  apiKey: string | undefined;
  /** Who is asking, as the rate limits count it (limits/client-address.ts). */
  clientAddress: string;
}

/** The context of one HTTP request: the process's dependencies and what the request says. */
export function createContextFactory(deps: ApiDeps) {
  return ({ req }: { req: IncomingMessage }): Context => ({
    ...deps,
    apiKey: bearerToken(req.headers.authorization),
    requestId: (req as IncomingMessage & { requestId?: string }).requestId ?? randomUUID(),
    clientAddress: clientAddress(req, deps.doorLimits.trustedProxies),
  });
}

/** Zod's message for a union none of whose branches matched, when the schema gives none. */
const UNION_DEFAULT_MESSAGE = 'Invalid input';

/**
 * A union's issue says only "Invalid input"; the branch that got furthest into the value (its
 * issues have the longest paths) is the one the caller meant, so its issues are reported.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (
      issue.code !== 'invalid_union' ||
      issue.errors.length === 0 ||
      issue.message !== UNION_DEFAULT_MESSAGE
    ) {
      return [issue];
    }
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return flattenIssues(best).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

function describeZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

/**
 * The router's declared context is deliberately small: the typed client's declarations are
 * built from `AppRouter`, and a context naming the database, the vault and the logger would
 * drag their types (and the schema) into every consumer. The first middleware restores the
 * full context for procedures.
 */
export interface DeclaredContext {
  requestId: string;
}

const t = initTRPC.context<DeclaredContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const zodIssues = error.cause instanceof ZodError ? flattenIssues(error.cause.issues) : null;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // Raw database or library errors never reach callers; the log has them.
      return {
        ...shape,
        message: `Internal error (request ${ctx?.requestId ?? 'unknown'})`,
        data: { ...shape.data, stack: undefined, fields: null },
      };
    }
    let message = zodIssues ? `Invalid input: ${describeZodIssues(zodIssues)}` : shape.message;
    if (error.code === 'PAYLOAD_TOO_LARGE' && message === 'PAYLOAD_TOO_LARGE') {
      // tRPC's own refusal of a body over maxBodySize (one sent without a length).
      message = 'Request body too large (LATCHKEY_MAX_BODY_BYTES)';
    }
    return {
      ...shape,
      message,
      data: {
        ...shape.data,
        /** Seconds until a rate-limited caller may try again (also the Retry-After header). */
        retryAfterSeconds:
          error.cause instanceof TooManyRequestsError ? error.cause.retryAfterSeconds : undefined,
        // Stack traces stay in the server log: they name files and libraries callers need not see.
        stack: undefined,
        fields: zodIssues
          ? zodIssues.map((i) => ({ path: i.path.map(String), message: i.message }))
          : null,
      },
    };
  },
});

export const router = t.router;

/** Turns domain errors into tRPC errors once, for every procedure. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  // Errors the procedure threw arrive wrapped as INTERNAL_SERVER_ERROR with the original as cause.
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && result.error.cause) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

const withDependencies = t.middleware(({ ctx, next }) => next({ ctx: ctx as Context }));

export const publicProcedure = t.procedure.use(withDependencies).use(mapDomainErrors);

/**
 * Guarantees `ctx.caller`: a live API key and the tenant it belongs to, within the rate limits
 * at the door (auth/door.ts).
 */
export const tenantProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller = await authenticateAtTheDoor(ctx, ctx);
  return next({ ctx: { caller: caller satisfies Caller } });
});

/** Headers a response needs for its errors (Retry-After for a rate limit): for `responseMeta`. */
export function doorResponseHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const error of errors) {
    const seconds =
      error.cause instanceof TooManyRequestsError ? error.cause.retryAfterSeconds : undefined;
    if (seconds !== undefined) headers['retry-after'] = String(seconds);
  }
  return headers;
}

/** A tenant procedure that also requires the key to hold `scope` (admin holds all). */
export function scopedProcedure(scope: ApiKeyScope) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!hasScope(ctx.caller, scope)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `This API key lacks the '${scope}' scope`,
      });
    }
    return next();
  });
}

/** Who did it, for the audit log: the tenant and the API key that called. */
export function actorOf(caller: Caller): Actor {
  return { tenantId: caller.tenantId, actor: `api_key:${caller.apiKeyId}` };
}
