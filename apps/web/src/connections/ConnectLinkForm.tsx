import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { trpc } from '../api/trpc';
import { Field } from '../ui/Field';
import { ErrorMessage } from '../ui/feedback';
import { formatDateTime } from '../ui/format';

/**
 * A link the application hands to its end user: opening it connects their account, with no API
 * key involved. Anyone holding the link can use it until it expires, so it is shown only here.
 */
export function ConnectLinkForm({ integrationId }: { integrationId: string }) {
  const [userId, setUserId] = useState('');
  const [returnUrl, setReturnUrl] = useState('');
  const [ttlMinutes, setTtlMinutes] = useState('');
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const linkInput = useRef<HTMLInputElement>(null);
  const create = useMutation({
    mutationFn: (forUser: string) =>
      trpc.connectLinks.create.mutate({
        integrationId,
        userId: forUser,
        returnUrl: returnUrl.trim() || undefined,
        ttlMinutes: ttlMinutes ? Number(ttlMinutes) : undefined,
      }),
    onSuccess: () => setCopied(null),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(userId.trim());
  };
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for the user.
      linkInput.current?.select();
      setCopied('failed');
    }
  };

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="link-heading">
      <h3 id="link-heading">Shareable connect link</h3>
      <p className="hint">
        For an end user on another device: they open the link, sign in at the provider and approve.
      </p>
      <div className="field-row">
        <Field label="End user ID for the link">
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
        <Field label="Valid for (minutes)" hint="Default 30, at most 60.">
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              max={60}
              inputMode="numeric"
              value={ttlMinutes}
              onChange={(event) => setTtlMinutes(event.target.value)}
            />
          )}
        </Field>
      </div>
      <Field
        label="Return URL (optional)"
        hint="Where the user lands afterwards; otherwise a plain “Connected” page."
      >
        {(control) => (
          <input
            {...control}
            type="url"
            value={returnUrl}
            onChange={(event) => setReturnUrl(event.target.value)}
            placeholder="https://app.example.com/settings"
          />
        )}
      </Field>
      <ErrorMessage error={create.error} />
      <div className="actions">
        <button type="submit" className="button-secondary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create connect link'}
        </button>
      </div>
      {create.data ? (
        <div className="link-result" role="status">
          <Field
            label={`Connect link for ${create.variables}`}
            hint={`Expires ${formatDateTime(create.data.expiresAt)}.`}
          >
            {(control) => (
              <div className="copy-row">
                <input
                  {...control}
                  ref={linkInput}
                  readOnly
                  value={create.data.url}
                  onFocus={(event) => event.target.select()}
                />
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => void copy(create.data.url)}
                >
                  {copied === 'yes' ? 'Copied' : 'Copy'}
                </button>
              </div>
            )}
          </Field>
          {copied === 'failed' ? (
            <p className="hint">Selected: press Ctrl+C (⌘C) to copy.</p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
