import type { Integration } from '@latchkey/db';
import { getTemplate, type VerifyRequest } from '@latchkey/oauth';

const DATABASE_URL = /^(postgres|postgresql|mysql):/i;

/** How an integration's credentials are tested, or why they cannot be. */
export type Verification =
  | { kind: 'sql'; describe: string }
  | { kind: 'http'; request: VerifyRequest; describe: string }
  | { kind: 'none'; reason: string };

/**
 * A database is tested with `SELECT 1`; an API with its template's verification request
 * (relative to the integration's own base URL, so secrets go nowhere new).
 */
export function verificationFor(
  integration: Pick<Integration, 'id' | 'url_host' | 'url_path' | 'template_id'>,
): Verification {
  if (DATABASE_URL.test(integration.url_host)) return { kind: 'sql', describe: 'SELECT 1' };
  const template = integration.template_id ? getTemplate(integration.template_id) : undefined;
  if (!template?.verify) {
    return {
      kind: 'none',
      reason:
        `integration '${integration.id}' has no verification request: ` +
        (template
          ? `its template '${template.id}' declares none`
          : 'it was not made from a template that declares one'),
    };
  }
  const request = template.verify;
  const query = new URLSearchParams(request.query ?? {}).toString();
  return {
    kind: 'http',
    request,
    describe: `${request.method ?? 'GET'} ${integration.url_path}${request.path}${query ? `?${query}` : ''}`,
  };
}
