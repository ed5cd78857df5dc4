import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../limits/config';
import {
  credentialNameSchema,
  credentialsInputSchema,
  integrationIdSchema,
  userIdSchema,
} from './fields';
import { connectionPageShape } from './page';
import { strictObject } from './strict';

export const connectionKeySchema = strictObject({
  integrationId: integrationIdSchema,
  userId: userIdSchema,
});

export const connectionUpsertSchema = connectionKeySchema.extend({
  /** Merged into the stored credentials (tokens, keys, database passwords). */
  credentials: credentialsInputSchema.optional(),
  removeCredentials: z.array(credentialNameSchema).max(50).optional(),
  replaceCredentials: z.boolean().optional(),
  /** When the access token expires, for tokens supplied by hand. */
  expiresAt: z.coerce.date<Date | string>().nullable().optional(),
  grantedScopes: z.array(z.string().min(1).max(512)).max(500).optional(),
});

export type ConnectionUpsertInput = z.infer<typeof connectionUpsertSchema>;

export const connectionListSchema = strictObject({
  integrationId: integrationIdSchema.optional(),
  userId: userIdSchema.optional(),
  ...connectionPageShape,
}).default({ limit: MAX_PAGE_SIZE });
