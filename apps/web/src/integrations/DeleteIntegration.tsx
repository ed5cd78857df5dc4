import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { queries } from '../api/queries';
import { trpc } from '../api/trpc';
import type { Integration } from '../api/types';
import { paths } from '../paths';
import { navigate } from '../router';
import { ErrorMessage } from '../ui/feedback';

/** Deleting takes the users' connections with it, so it asks first, in the page. */
export function DeleteIntegration({ integration }: { integration: Integration }) {
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => trpc.integrations.delete.mutate({ id: integration.id }),
    onSuccess: async () => {
      // The list is not on screen, so invalidating alone would show it stale for a moment.
      queryClient.setQueryData(queries.integrations().queryKey, (list) =>
        list?.filter((other) => other.id !== integration.id),
      );
      queryClient.removeQueries({ queryKey: ['integrations', integration.id] });
      await queryClient.invalidateQueries({ queryKey: ['integrations'] });
      await queryClient.invalidateQueries({ queryKey: ['connections'] });
      navigate(paths.integrations);
    },
  });

  return (
    <section aria-labelledby="delete-heading" className="stack danger-zone">
      <h2 id="delete-heading">Delete</h2>
      {confirming ? (
        <div className="card stack">
          <p id="delete-question">
            Delete <strong>{integration.name}</strong> ({integration.id}), its stored credentials
            and every user connection? Workflows that use it will fail. This cannot be undone.
          </p>
          <ErrorMessage error={remove.error} />
          <div className="actions">
            <button
              ref={confirmButton}
              aria-describedby="delete-question"
              type="button"
              className="button-danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              {remove.isPending ? 'Deleting…' : `Yes, delete ${integration.id}`}
            </button>
            <button type="button" className="button-quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
          Delete integration
        </button>
      )}
    </section>
  );
}
