import { type FormEvent, useState } from 'react';
import { Field } from '../ui/Field';
import { ErrorMessage } from '../ui/feedback';
import { useStartConnect } from './useStartConnect';

/** Connect an account now, in this browser: the user signs in at the provider and comes back. */
export function ConnectForm({ integrationId }: { integrationId: string }) {
  const [userId, setUserId] = useState('');
  const connect = useStartConnect(integrationId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate(userId.trim());
  };
  const busy = connect.isPending || connect.isSuccess;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="connect-heading">
      <h3 id="connect-heading">Connect an account</h3>
      <Field
        label="End user ID"
        hint="Your application's id for the user; this browser signs in at the provider for them."
      >
        {(control) => (
          <input
            {...control}
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            required
            placeholder="user-42"
          />
        )}
      </Field>
      <ErrorMessage error={connect.error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Redirecting…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}
