import { listAudit } from '@latchkey/db';
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../limits/config';
import { router, scopedProcedure } from '../trpc';
import { strictObject } from '../validation/strict';

export const auditRouter = router({
  list: scopedProcedure('admin')
    .input(
      strictObject({ limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(100) }).default({
        limit: 100,
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await listAudit(ctx.db, ctx.caller.tenantId, { limit: input.limit });
      return rows.map((row) => ({
        id: row.id,
        actor: row.actor,
        action: row.action,
        targetKind: row.target_kind,
        targetId: row.target_id,
        userId: row.user_id,
        details: row.details,
        createdAt: row.created_at,
      }));
    }),
});
