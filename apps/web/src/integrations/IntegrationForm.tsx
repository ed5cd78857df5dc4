import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../api/trpc';
import type { Integration, IntegrationUpsertInput } from '../api/types';
import { Field } from '../ui/Field';
import { ErrorMessage } from '../ui/feedback';
import { AuthSchemeFields } from './AuthSchemeFields';
import { CredentialFields, type NewCredentialRow, readCredentialChanges } from './CredentialFields';
import {
  type FormOrigin,
  type IntegrationFormValues,
  initialValues,
  suggestedCredentialNames,
  upsertInputFrom,
} from './form-values';
import { OAuthFields } from './OAuthFields';

/** Creates an integration (from scratch or a template) or edits one; one form for all three. */
export function IntegrationForm({
  origin,
  onSaved,
}: {
  origin: FormOrigin;
  onSaved: (integration: Integration) => void;
}) {
  const [initial] = useState(() => initialValues(origin));
  const [values, setValues] = useState(initial);
  const [rows, setRows] = useState<NewCredentialRow[]>(() =>
    suggestedCredentialNames(origin).map((name, key) => ({ key, name })),
  );
  const [removed, setRemoved] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (input: IntegrationUpsertInput) => trpc.integrations.upsert.mutate(input),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['integrations', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['integrations'] });
    },
  });

  const existing = origin.kind === 'existing' ? origin.integration : undefined;
  const stored = existing?.credentials ?? [];
  const patch = (next: Partial<IntegrationFormValues>) => setValues((v) => ({ ...v, ...next }));
  const text = (key: 'name' | 'baseUrl' | 'docsUrl') => ({
    value: values[key],
    onChange: (event: { target: { value: string } }) => patch({ [key]: event.target.value }),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const read = readCredentialChanges(form, rows, removed, stored);
    if ('error' in read) {
      setFormError(read.error);
      return;
    }
    setFormError(null);
    save.mutate(upsertInputFrom(origin, initial, values, read.changes), {
      onSuccess: (saved) => {
        form.reset();
        // The mutation's variables held the secrets: drop them.
        save.reset();
        onSaved(saved);
      },
    });
  };

  return (
    <form className="stack" onSubmit={submit}>
      <fieldset>
        <legend>Details</legend>
        <div className="field-row">
          <Field
            label="Integration ID"
            hint={existing ? 'Cannot be changed.' : 'Letters, digits, dots, dashes, underscores.'}
          >
            {(control) => (
              <input
                {...control}
                value={values.id}
                onChange={(event) => patch({ id: event.target.value })}
                readOnly={Boolean(existing)}
                required
                placeholder="stripe"
              />
            )}
          </Field>
          <Field label="Name">
            {(control) => <input {...control} {...text('name')} placeholder="Stripe" />}
          </Field>
        </div>
        <Field
          label="Base URL"
          hint="May hold <<placeholders>> filled from credentials, e.g. https://<<shop>>.myshopify.com."
        >
          {(control) => (
            <input
              {...control}
              {...text('baseUrl')}
              placeholder="https://api.example.com/v1"
              required={origin.kind === 'scratch'}
            />
          )}
        </Field>
        <Field label="Documentation URL">
          {(control) => <input {...control} {...text('docsUrl')} type="url" />}
        </Field>
        <Field label="Instructions" hint="Notes for people and the workflow planner.">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={values.instructions}
              onChange={(event) => patch({ instructions: event.target.value })}
            />
          )}
        </Field>
      </fieldset>
      <AuthSchemeFields
        value={values.auth}
        onChange={(auth) => patch(auth.type === 'oauth2' ? { auth, usesOAuth: true } : { auth })}
      />
      <CredentialFields
        stored={stored}
        rows={rows}
        onRowsChange={setRows}
        removed={removed}
        onRemovedChange={setRemoved}
        defaults={origin.kind === 'template' ? origin.template.credentialDefaults : undefined}
      />
      <OAuthFields values={values} onChange={patch} storedSecret={existing?.oauth?.clientSecret} />
      <ErrorMessage error={formError ?? save.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : existing ? 'Save changes' : 'Create integration'}
        </button>
      </div>
    </form>
  );
}
