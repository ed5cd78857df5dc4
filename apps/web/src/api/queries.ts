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
  templates: (search: string, category: string) =>
    infiniteQueryOptions({
      queryKey: ['templates', search, category],
      queryFn: ({ pageParam }) =>
        trpc.integrations.templates.query({
          search: search || undefined,
          category: category || undefined,
          offset: pageParam,
          limit: TEMPLATES_PAGE_SIZE,
        }),
      initialPageParam: 0,
      getNextPageParam: (page) => page.nextOffset ?? undefined,
      // The catalogue is fixed for the life of the api.
      staleTime: Number.POSITIVE_INFINITY,
    }),
  /** One template by id: its id as the search, then the exact match (null when none). */
  template: (id: string) =>
    queryOptions({
      queryKey: ['templates', 'id', id],
      queryFn: async () => {
        const page = await trpc.integrations.templates.query({ search: id, limit: 500 });
        return page.templates.find((t) => t.id === id) ?? null;
      },
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
  /** One run with its input and step results, live while it is unfinished. */
  run: (runId: string) =>
    queryOptions({
      queryKey: ['runs', 'one', runId],
      queryFn: () => trpc.runs.inspect.query({ runId }),
      refetchInterval: (query) =>
        query.state.data && isUnfinished(query.state.data.run) ? 1_000 : false,
    }),
  webhook: () => queryOptions({ queryKey: ['webhook'], queryFn: () => trpc.webhooks.get.query() }),
  events: () =>
    infiniteQueryOptions({
      queryKey: ['events'],
      queryFn: ({ pageParam }) =>
        trpc.events.list.query({ limit: EVENTS_PAGE_SIZE, cursor: pageParam }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      // Deliveries retry in the background: keep their attempts current.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) =>
          page.items.some((e) => e.deliveries.some((d) => d.status === 'pending')),
        )
          ? 2_000
          : false,
    }),
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

/** Templates the picker shows at first, and adds each time more are asked for. */
export const TEMPLATES_PAGE_SIZE = 60;

/** Events the console shows at first, and adds each time older ones are asked for. */
export const EVENTS_PAGE_SIZE = 25;

/** Runs the console shows at first, and adds each time older ones are asked for. */
export const RUNS_PAGE_SIZE = 50;

export function isUnfinished(run: Run): boolean {
  return run.status === 'pending' || run.status === 'running';
}
