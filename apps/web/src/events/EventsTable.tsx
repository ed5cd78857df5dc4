import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { trpc } from '../api/trpc';
import type { TenantEvent } from '../api/types';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime, formatDuration } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';

/** One line per attempt: `503 · 12 ms` or the network error. */
function attemptText(attempt: TenantEvent['deliveries'][number]['attempts'][number]) {
  const answer = attempt.statusCode !== null ? String(attempt.statusCode) : attempt.error;
  return `#${attempt.attempt} ${answer} · ${formatDuration(attempt.durationMs)}`;
}

/** Events, newest first, with every delivery's attempts; each can be sent again. */
export function EventsTable() {
  const events = useInfiniteQuery(queries.events());
  const queryClient = useQueryClient();
  const redeliver = useMutation({
    mutationFn: (eventId: string) => trpc.events.redeliver.mutate({ eventId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['events'] }),
  });
  const shown = events.data?.pages.flatMap((page) => page.items) ?? [];

  if (events.isPending) return <Loading what="events" />;
  if (events.error && !events.isFetchNextPageError) return <ErrorMessage error={events.error} />;
  if (shown.length === 0) {
    return (
      <EmptyState title="No events yet.">
        <p>Connections made, failing or recovering, and failed runs appear here.</p>
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <ErrorMessage error={redeliver.error} />
      <table>
        <caption className="visually-hidden">Events</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">About</th>
            <th scope="col">Deliveries</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((event) => (
            <tr key={event.id} data-event-id={event.id}>
              <td>{formatDateTime(String(event.createdAt))}</td>
              <td>
                <code>{event.type}</code>
              </td>
              <td>
                {[event.data.integrationId, event.data.userId, event.data.runId]
                  .filter((part) => typeof part === 'string' && part)
                  .join(' · ') || '—'}
                {typeof event.data.reason === 'string' ? (
                  <span className="hint"> {event.data.reason}</span>
                ) : null}
              </td>
              <td>
                {event.deliveries.map((delivery) => (
                  <div key={delivery.id}>
                    <StatusBadge status={delivery.status} />{' '}
                    <span className="hint">
                      {delivery.attempts.map(attemptText).join(', ')}
                      {delivery.reason ? ` — ${delivery.reason}` : ''}
                    </span>
                  </div>
                ))}
              </td>
              <td>
                <button
                  type="button"
                  className="button-secondary"
                  disabled={redeliver.isPending}
                  onClick={() => redeliver.mutate(event.id)}
                >
                  Redeliver<span className="visually-hidden"> {event.type}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.hasNextPage ? (
        <button
          type="button"
          className="button-secondary"
          disabled={events.isFetchingNextPage}
          onClick={() => events.fetchNextPage()}
        >
          {events.isFetchingNextPage ? 'Loading older events…' : 'Show older events'}
        </button>
      ) : null}
    </div>
  );
}
