import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { trpc } from './trpc';
import type { Run } from './types';

/** Every query the console makes, so keys are written once and invalidated consistently. */
export const queries = {
  me: () => queryOptions({ queryKey: ['me'], queryFn: () => trpc.tenant.me.query() }),
  integrations: () =>
    queryOptions({ queryKey: ['integrations'], queryFn: () => trpc.integrations.list.query() }),
  integration: (id: string) =>
    queryOptions({
      queryKey: ['integrations', id],
      queryFn: () => trpc.integrations.get.query({ id }),
    }),
  templates: (search: string) =>
    queryOptions({
      queryKey: ['templates', search],
      queryFn: () => trpc.integrations.templates.query({ search: search || undefined }),
      // The catalogue is fixed for the life of the api.
      staleTime: Number.POSITIVE_INFINITY,
    }),
  connections: (integrationId?: string) =>
    queryOptions({
      queryKey: ['connections', integrationId ?? 'all'],
      queryFn: () => trpc.connections.list.query(integrationId ? { integrationId } : {}),
    }),
  workflows: () =>
    queryOptions({ queryKey: ['workflows'], queryFn: () => trpc.workflows.list.query() }),
  workflow: (id: string) =>
    queryOptions({ queryKey: ['workflows', id], queryFn: () => trpc.workflows.get.query({ id }) }),
  runs: (workflowId?: string) =>
    infiniteQueryOptions({
      queryKey: ['runs', workflowId ?? 'all'],
      queryFn: ({ pageParam }) =>
        trpc.runs.list.query({ workflowId, limit: RUNS_PAGE_SIZE, before: pageParam }),
      initialPageParam: undefined as string | undefined,
      // A full page may have older runs after it; a short one is the last.
      getNextPageParam: (page) => (page.length === RUNS_PAGE_SIZE ? page.at(-1)?.runId : undefined),
      // Live while something is still running; quiet otherwise.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) => page.some(isUnfinished)) ? 1_000 : false,
    }),
};

/** Runs the console shows at first, and adds each time older ones are asked for. */
export const RUNS_PAGE_SIZE = 50;

export function isUnfinished(run: Run): boolean {
  return run.status === 'pending' || run.status === 'running';
}
