import { TENANT_EVENT_TYPES } from '@latchkey/db';
import { z } from 'zod';
import { listEvents, redeliverEvent } from '../services/events';
import { actorOf, router, scopedProcedure } from '../trpc';
import { strictObject } from '../validation/strict';

const adminProcedure = scopedProcedure('admin');

export const eventsRouter = router({
  /** Newest first; each event with every delivery, its attempts and outcome. */
  list: adminProcedure
    .input(
      strictObject({
        limit: z.number().int().min(1).max(100).default(25),
        cursor: z.string().max(200).optional(),
        type: z.enum(TENANT_EVENT_TYPES).optional(),
      }).default({ limit: 25 }),
    )
    .query(({ ctx, input }) => listEvents(ctx.db, ctx.caller.tenantId, input)),

  /** Sends the event again to the current endpoint, as a new delivery. */
  redeliver: adminProcedure
    .input(strictObject({ eventId: z.uuid() }))
    .mutation(({ ctx, input }) => redeliverEvent(ctx, actorOf(ctx.caller), input.eventId)),
});
