import { Field } from '../ui/Field';
import { AUTH_TYPE_LABELS, AUTH_TYPES, type AuthDraft, isAuthType } from './auth-draft';

/** Where the credential goes in each request; only the fields of the chosen scheme are shown. */
export function AuthSchemeFields({
  value,
  onChange,
}: {
  value: AuthDraft;
  onChange: (next: AuthDraft) => void;
}) {
  const set = (key: keyof AuthDraft) => (event: { target: { value: string } }) =>
    onChange({ ...value, [key]: event.target.value });
  const credentialField = (
    <Field label="Credential name" hint="Which stored credential to send; empty for the default.">
      {(control) => <input {...control} value={value.credential} onChange={set('credential')} />}
    </Field>
  );

  return (
    <fieldset>
      <legend>Authentication</legend>
      <Field label="Scheme">
        {(control) => (
          <select
            {...control}
            value={value.type}
            onChange={(event) => {
              const type = event.target.value;
              if (type === '' || isAuthType(type)) onChange({ ...value, type });
            }}
          >
            {(['', ...AUTH_TYPES] as const).map((type) => (
              <option key={type} value={type}>
                {AUTH_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {value.type === 'header' ? (
        <div className="field-row">
          <Field label="Header name">
            {(control) => (
              <input
                {...control}
                value={value.name}
                onChange={set('name')}
                placeholder="X-API-Key"
                required
              />
            )}
          </Field>
          <Field label="Value prefix" hint="Optional, e.g. “Token ” (spaces count).">
            {(control) => <input {...control} value={value.prefix} onChange={set('prefix')} />}
          </Field>
          {credentialField}
        </div>
      ) : null}
      {value.type === 'query' ? (
        <div className="field-row">
          <Field label="Query parameter">
            {(control) => (
              <input
                {...control}
                value={value.name}
                onChange={set('name')}
                placeholder="api_key"
                required
              />
            )}
          </Field>
          {credentialField}
        </div>
      ) : null}
      {value.type === 'bearer' || value.type === 'oauth2' ? credentialField : null}
      {value.type === 'basic' ? (
        <div className="field-row">
          <Field label="Username credential">
            {(control) => <input {...control} value={value.username} onChange={set('username')} />}
          </Field>
          <Field label="Password credential">
            {(control) => <input {...control} value={value.password} onChange={set('password')} />}
          </Field>
        </div>
      ) : null}
    </fieldset>
  );
}
