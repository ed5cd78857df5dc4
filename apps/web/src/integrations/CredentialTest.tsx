import { useMutation, useQueryClient } from '@tanstack/react-query';
import { trpc } from '../api/trpc';
import type { Integration } from '../api/types';
import { ErrorMessage } from '../ui/feedback';
import { formatDateTime, formatRelative } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';

type Health = Integration['health'];

/** The last credential test: outcome, what was requested and when. */
export function HealthSummary({ health }: { health: Health }) {
  if (!health) return <span className="meta">not tested yet</span>;
  return (
    <span>
      <StatusBadge status={health.outcome} />{' '}
      <span className="meta" title={formatDateTime(health.checkedAt)}>
        {health.message} · {formatRelative(health.checkedAt)}
      </span>
    </span>
  );
}

/**
 * Runs the provider's cheapest authenticated request with the stored credentials (or one
 * user's connection) and shows what it found; the result is kept on the integration.
 */
export function useCredentialTest(integrationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string | undefined) =>
      trpc.integrations.test.mutate({ id: integrationId, ...(userId ? { userId } : {}) }),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ['integrations', integrationId] });
      await queryClient.invalidateQueries({ queryKey: ['connections'] });
    },
  });
}

export function CredentialTest({ integration }: { integration: Integration }) {
  const test = useCredentialTest(integration.id);
  return (
    <section aria-labelledby="credential-test-heading" className="stack">
      <h2 id="credential-test-heading">Credential test</h2>
      <p>
        Last test: <HealthSummary health={integration.health} />
      </p>
      <ErrorMessage error={test.error} />
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          disabled={test.isPending}
          onClick={() => test.mutate(undefined)}
        >
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
      </div>
    </section>
  );
}
