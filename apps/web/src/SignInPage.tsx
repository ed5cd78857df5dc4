import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { queries } from './api/queries';
import { lastSignOutReason, storeApiKey } from './api/session';
import { createApiClient } from './api/trpc';
import { Field } from './ui/Field';
import { ErrorMessage, Notice } from './ui/feedback';

/**
 * The key is read from the form on submit (the input is uncontrolled, so React never copies it
 * into a DOM attribute), checked with `tenant.me`, and only then kept for the session.
 */
export function SignInPage() {
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: async (apiKey: string) => {
      const me = await createApiClient(() => apiKey).tenant.me.query();
      return { apiKey, me };
    },
    onSuccess({ apiKey, me }) {
      queryClient.setQueryData(queries.me().queryKey, me);
      storeApiKey(apiKey);
    },
  });
  const reason = lastSignOutReason();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const apiKey = String(new FormData(event.currentTarget).get('apiKey') ?? '').trim();
    if (apiKey) signIn.mutate(apiKey);
  };

  return (
    <main id="main" className="sign-in">
      <h1>Latchkey console</h1>
      <p className="lead">Sign in with an API key of your tenant.</p>
      {reason && !signIn.isError ? <Notice tone="warn">{reason}</Notice> : null}
      <form onSubmit={submit} className="card">
        <Field
          label="API key"
          hint="Kept in this tab only (session storage) and sent as a bearer token."
        >
          {(control) => (
            <input
              {...control}
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
            />
          )}
        </Field>
        <ErrorMessage error={signIn.error} />
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">
        No key yet? Create a tenant with <code>pnpm latchkey tenant create --name acme</code>.
      </p>
    </main>
  );
}
