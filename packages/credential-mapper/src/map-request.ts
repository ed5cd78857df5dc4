import type { SchemeOrigin } from './auth-placement';
import { MappingContext } from './context';
import { mapDatabase } from './database';
import { mapHttp } from './http-request';
import { credentialEntries } from './merge';
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
  const entries = credentialEntries({
    runtime: input.runtimeCredentials,
    connection: input.connectionCredentials,
    integration: integration.credentials,
  });
  const ctx = new MappingContext(entries, integration.id, input.variables);
  const declared = declaredScheme(input);
  const database = declared?.scheme.type === 'database' || isDatabaseUrl(integration.urlHost);
  return database ? mapDatabase(ctx, input) : mapHttp(ctx, input, declared);
}

function declaredScheme(
  input: MapRequestInput,
): { scheme: AuthScheme; origin: SchemeOrigin } | undefined {
  if (input.integration.auth) return { scheme: input.integration.auth, origin: 'integration' };
  if (input.templateAuth) return { scheme: input.templateAuth, origin: 'template' };
  return undefined;
}
