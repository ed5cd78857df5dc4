import type { SchemeOrigin } from './auth-placement';
import { MappingContext } from './context';
import { mapDatabase } from './database';
import { runtimeDestination } from './destination';
import { CredentialMappingError } from './errors';
import { mapHttp } from './http-request';
import { type CredentialEntry, credentialEntries } from './merge';
import type { AuthScheme, MappedRequest, MapRequestInput } from './types';
import { isDatabaseUrl } from './url-template';

/**
 * Turns an integration, its credentials (integration, connection, runtime) and one step's request
 * template into a concrete HTTP request or database connection string, plus an explanation of
 * where each credential went (names only) and the secret values to redact.
 *
 * Pure and deterministic: same input, same output; no I/O, no clock, no randomness.
 */
export function mapRequest(input: MapRequestInput): MappedRequest {
  const { integration } = input;
  const defaults = integration.credentialDefaults;
  const stored = defaults ? { ...defaults, ...integration.credentials } : integration.credentials;
  const declared = declaredScheme(input);
  const database = declared?.scheme.type === 'database' || isDatabaseUrl(integration.urlHost);
  let entries: CredentialEntry[] = credentialEntries({
    runtime: input.runtimeCredentials,
    connection: input.connectionCredentials,
    integration: stored,
  });
  // Destination binding (destination.ts): a destination from the run gets runtime credentials.
  const fromRun = runtimeDestination(entries, integration, {
    database,
    variables: input.variables,
  });
  if (fromRun !== undefined) {
    entries = credentialEntries({ runtime: input.runtimeCredentials, integration: defaults });
  }
  const ctx = new MappingContext(entries, integration.id, input.variables);
  try {
    const mapped = database ? mapDatabase(ctx, input) : mapHttp(ctx, input, declared);
    return fromRun === undefined ? mapped : { ...mapped, destinationFromRun: fromRun };
  } catch (error) {
    throw fromRun === undefined ? error : runtimeOnly(error, fromRun);
  }
}

/** A missing credential says why stored ones were not used, and what to do. */
function runtimeOnly(error: unknown, by: string): unknown {
  if (
    !(error instanceof CredentialMappingError) ||
    (error.code !== 'UNRESOLVED_PLACEHOLDER' && error.code !== 'UNRESOLVED_CREDENTIAL')
  ) {
    return error;
  }
  return new CredentialMappingError(
    error.code,
    `${error.message}. The destination comes from "${by}" given with the run, so only runtime ` +
      'credentials are used (stored ones go only to the destination they were stored for): ' +
      `give ${error.placeholder ? `"${error.placeholder}"` : 'it'} at run time too`,
    { placeholder: error.placeholder, candidates: error.candidates, location: error.location },
  );
}

function declaredScheme(
  input: MapRequestInput,
): { scheme: AuthScheme; origin: SchemeOrigin } | undefined {
  if (input.integration.auth) return { scheme: input.integration.auth, origin: 'integration' };
  if (input.templateAuth) return { scheme: input.templateAuth, origin: 'template' };
  return undefined;
}
