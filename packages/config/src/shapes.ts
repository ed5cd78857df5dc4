import { z } from 'zod';

/** pino's levels. */
export const logLevelEnv = {
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
};

/** Where Temporal is, for the api's client and the worker alike. */
export const temporalEnv = {
  /** host:port of the Temporal frontend (a cluster, Temporal Cloud, or the dev server). */
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The task queue the worker fleet polls; api and workers must agree. */
  LATCHKEY_TASK_QUEUE: z.string().min(1).default('latchkey'),
};
