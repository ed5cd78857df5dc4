import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../limits/config';
import { integrationIdSchema, userIdSchema } from './fields';
import { strictObject } from './strict';

/**
 * Every list answers a bounded page: `limit` is at most MAX_PAGE_SIZE (more is BAD_REQUEST) and
 * defaults to it, so callers that never page see every item of a tenant that has fewer. The
 * next page starts `after` the last item of this one (a keyset cursor: stable while items are
 * added or removed).
 */
const limit = z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE);

/** A page of items ordered by id (integrations, workflows). */
export const idPageSchema = strictObject({
  limit,
  after: integrationIdSchema.optional(),
}).default({ limit: MAX_PAGE_SIZE });

/** A page of API keys, oldest first, after the key with this id. */
export const apiKeyPageSchema = strictObject({
  limit,
  after: z.uuid().optional(),
}).default({ limit: MAX_PAGE_SIZE });

/**
 * Connections in (integration, user) order, filtered, a page at a time; `after` is the last
 * connection's integrationId and userId (null for an integration's own connection).
 */
export const connectionPageShape = {
  limit,
  after: strictObject({
    integrationId: integrationIdSchema,
    userId: userIdSchema.nullable(),
  }).optional(),
};
