import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { queries } from '../api/queries';
import { trpc } from '../api/trpc';
import { Field } from '../ui/Field';
import { ErrorMessage, Loading, Notice } from '../ui/feedback';
import { formatDateTime } from '../ui/format';

/**
 * The tenant's webhook endpoint. A new endpoint's signing secret, and each rotated one, is
 * shown here once and kept only in this component's state: reloading the page forgets it.
 */
export function WebhookSettings() {
  const webhook = useQuery(queries.webhook());
  const queryClient = useQueryClient();
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queries.webhook().queryKey });
  const save = useMutation({
    mutationFn: (next: string) => trpc.webhooks.set.mutate({ url: next }),
    onSuccess: async (result) => {
      if (result.secret) setSecret(result.secret);
      setUrl(null);
      await refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: () => trpc.webhooks.rotateSecret.mutate({ overlapSeconds: 86_400 }),
    onSuccess: async (result) => {
      setSecret(result.secret);
      await refresh();
    },
  });

  if (webhook.isPending) return <Loading what="the webhook" />;
  const current = webhook.data ?? null;
  const shownUrl = url ?? current?.url ?? '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(shownUrl);
  };

  return (
    <section aria-labelledby="webhook-heading" className="card stack">
      <h2 id="webhook-heading">Webhook</h2>
      <ErrorMessage error={webhook.error} />
      <form onSubmit={submit} className="stack">
        <Field
          label="Endpoint URL"
          hint="Every event of this tenant is POSTed here, signed with your secret (x-latchkey-signature)."
        >
          {(control) => (
            <input
              {...control}
              type="url"
              required
              placeholder="https://app.example.com/hooks/latchkey"
              value={shownUrl}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <ErrorMessage error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.isPending || !shownUrl}>
            {current ? 'Save endpoint' : 'Create endpoint'}
          </button>
          {current ? (
            <button
              type="button"
              className="button-secondary"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate()}
            >
              Rotate secret
            </button>
          ) : null}
        </div>
      </form>
      <ErrorMessage error={rotate.error} />
      {secret ? (
        <Notice tone="warn">
          <p>Your signing secret, shown this once: store it where your receiver reads it.</p>
          <code data-testid="webhook-secret">{secret}</code>
        </Notice>
      ) : null}
      {current ? (
        <p className="hint">
          Secret <code className="masked">{current.secretHint}</code>
          {current.previousSecretExpiresAt
            ? ` · the previous secret also signs until ${formatDateTime(String(current.previousSecretExpiresAt))}`
            : ''}
        </p>
      ) : (
        <p className="hint">No endpoint yet: events are recorded and can be redelivered later.</p>
      )}
    </section>
  );
}
