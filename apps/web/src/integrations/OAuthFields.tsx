import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import type { Integration } from '../api/types';
import { Field } from '../ui/Field';
import { CLIENT_SECRET_FIELD } from './CredentialFields';
import type { IntegrationFormValues } from './form-values';

type OAuthKey = 'clientId' | 'scopes' | 'authorizeUrl' | 'tokenUrl';

/** The OAuth app's settings; the client secret is write-only like every credential. */
export function OAuthFields({
  values,
  onChange,
  storedSecret,
}: {
  values: IntegrationFormValues;
  onChange: (patch: Partial<IntegrationFormValues>) => void;
  storedSecret: NonNullable<Integration['oauth']>['clientSecret'] | undefined;
}) {
  // Providers only redirect to URIs registered for the client: show the one to register.
  const callbackUrl = useQuery(queries.me()).data?.oauthCallbackUrl;
  const text = (key: OAuthKey, label: string, hint?: string, placeholder?: string) => (
    <Field label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          value={values[key]}
          placeholder={placeholder}
          onChange={(event) => onChange({ [key]: event.target.value })}
        />
      )}
    </Field>
  );
  return (
    <fieldset>
      <legend>OAuth</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={values.usesOAuth}
          onChange={(event) => onChange({ usesOAuth: event.target.checked })}
        />
        End users connect their accounts with OAuth
      </label>
      {values.usesOAuth ? (
        <>
          <div className="field-row">
            {text('clientId', 'Client ID')}
            <Field
              label="Client secret"
              hint={
                storedSecret
                  ? `Stored: ${storedSecret.hint}. Leave empty to keep it.`
                  : 'Sealed in the vault; never shown again.'
              }
            >
              {(control) => (
                <input
                  {...control}
                  name={CLIENT_SECRET_FIELD}
                  type="password"
                  autoComplete="new-password"
                />
              )}
            </Field>
          </div>
          {text('scopes', 'Scopes', 'Separated by spaces.', 'read write')}
          <div className="field-row">
            {text('authorizeUrl', 'Authorize URL', undefined, 'https://provider.example/authorize')}
            {text('tokenUrl', 'Token URL', undefined, 'https://provider.example/token')}
          </div>
          {callbackUrl ? (
            <p className="hint">
              Register this redirect URI with the provider: <code>{callbackUrl}</code>
            </p>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}
