import type { Integration } from '../api/types';
import { Field } from '../ui/Field';
import type { CredentialChanges } from './form-values';

export interface NewCredentialRow {
  key: number;
  name: string;
}

/**
 * Secret values are typed into uncontrolled password inputs and read once at submit
 * (`readCredentialChanges`): they never enter React state, a DOM attribute or the query cache,
 * and the form is reset after saving. What was stored is shown only as masked hints.
 */
const NEW_VALUE = 'credential-new:';
const REPLACE_VALUE = 'credential-replace:';
export const CLIENT_SECRET_FIELD = 'oauth-client-secret';

export function readCredentialChanges(
  form: HTMLFormElement,
  rows: NewCredentialRow[],
  removed: string[],
  stored: Integration['credentials'],
): { changes: CredentialChanges } | { error: string } {
  const data = new FormData(form);
  const value = (name: string) => {
    const entry = data.get(name);
    return typeof entry === 'string' ? entry : '';
  };
  const set: Record<string, string> = {};
  for (const credential of stored) {
    const replacement = value(`${REPLACE_VALUE}${credential.name}`);
    if (replacement) set[credential.name] = replacement;
  }
  for (const row of rows) {
    const name = row.name.trim();
    const secret = value(`${NEW_VALUE}${row.key}`);
    if (!secret) continue;
    if (!name) return { error: 'Credentials: a value was entered without a name.' };
    if (name in set) return { error: `Credentials: '${name}' is given twice.` };
    set[name] = secret;
  }
  return {
    changes: {
      set,
      remove: removed.filter((name) => !(name in set)),
      clientSecret: value(CLIENT_SECRET_FIELD),
    },
  };
}

export function CredentialFields({
  stored,
  rows,
  onRowsChange,
  removed,
  onRemovedChange,
  defaults = {},
}: {
  stored: Integration['credentials'];
  rows: NewCredentialRow[];
  onRowsChange: (rows: NewCredentialRow[]) => void;
  removed: string[];
  onRemovedChange: (removed: string[]) => void;
  defaults?: Record<string, string>;
}) {
  const nextKey = () => rows.reduce((max, row) => Math.max(max, row.key), -1) + 1;
  return (
    <fieldset>
      <legend>Credentials</legend>
      <p className="hint">
        Values are sealed in the vault and never shown again; only a masked hint is kept.
      </p>
      {stored.length > 0 ? (
        <ul className="credential-list" aria-label="Stored credentials">
          {stored.map((credential) => (
            <li key={credential.name}>
              <div className="credential-name">
                <strong>{credential.name}</strong>{' '}
                <code className="masked" title="Masked hint">
                  {credential.hint}
                </code>
              </div>
              <Field label={`New value for ${credential.name}`}>
                {(control) => (
                  <input
                    {...control}
                    name={`${REPLACE_VALUE}${credential.name}`}
                    type="password"
                    autoComplete="new-password"
                    placeholder="Leave empty to keep"
                  />
                )}
              </Field>
              <label className="check">
                <input
                  type="checkbox"
                  checked={removed.includes(credential.name)}
                  onChange={(event) =>
                    onRemovedChange(
                      event.target.checked
                        ? [...removed, credential.name]
                        : removed.filter((name) => name !== credential.name),
                    )
                  }
                />
                Remove {credential.name}
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {rows.map((row) => (
        <div className="field-row credential-row" key={row.key}>
          <Field label="Credential name">
            {(control) => (
              <input
                {...control}
                value={row.name}
                placeholder="api_key"
                onChange={(event) =>
                  onRowsChange(
                    rows.map((r) => (r.key === row.key ? { ...r, name: event.target.value } : r)),
                  )
                }
              />
            )}
          </Field>
          <Field
            label={`Value of ${row.name.trim() || 'the new credential'}`}
            hint={defaults[row.name] ? `Default: ${defaults[row.name]}` : undefined}
          >
            {(control) => (
              <input
                {...control}
                name={`${NEW_VALUE}${row.key}`}
                type="password"
                autoComplete="new-password"
              />
            )}
          </Field>
          <button
            type="button"
            className="button-quiet"
            aria-label={`Remove the ${row.name.trim() || 'new'} credential row`}
            onClick={() => onRowsChange(rows.filter((r) => r.key !== row.key))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button-secondary"
        onClick={() => onRowsChange([...rows, { key: nextKey(), name: '' }])}
      >
        Add credential
      </button>
    </fieldset>
  );
}
