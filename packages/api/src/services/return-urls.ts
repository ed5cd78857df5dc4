import { type Db, findTenantById, setTenantReturnOrigins } from '@latchkey/db';
import { InvalidInputError, NotFoundError } from '../errors';

/**
 * Return URLs (where a browser goes after connecting) must point at an origin an admin key
 * registered for the tenant: otherwise the platform's domain would redirect anywhere (an open
 * redirect). Checked when a link or flow is created, and again before redirecting, so removing
 * an origin stops redirects to it at once.
 */
export async function returnOriginsOf(db: Db, tenantId: string): Promise<string[]> {
  const tenant = await findTenantById(db, tenantId);
  if (!tenant) throw new NotFoundError('Tenant not found');
  return tenant.return_origins;
}

/** The platform's own origin (its console is served by the api) is always a place to return to. */
const isPlatformOrigin = (origin: string, publicUrl: string | undefined) =>
  publicUrl !== undefined && new URL(publicUrl).origin === origin;

export async function assertReturnUrlRegistered(
  db: Db,
  tenantId: string,
  returnUrl: string | undefined,
  publicUrl?: string,
): Promise<void> {
  if (returnUrl === undefined) return;
  const origin = new URL(returnUrl).origin;
  if (isPlatformOrigin(origin, publicUrl)) return;
  if (!(await returnOriginsOf(db, tenantId)).includes(origin)) {
    throw new InvalidInputError(
      'returnUrl',
      `origin ${origin} is not registered for this tenant (tenant.updateSettings returnOrigins)`,
    );
  }
}

/** The return URL if its origin is still registered, else null (the callback shows a page). */
export async function registeredReturnUrl(
  db: Db,
  tenantId: string,
  returnUrl: string | null,
  publicUrl?: string,
): Promise<string | null> {
  if (returnUrl === null) return null;
  if (isPlatformOrigin(new URL(returnUrl).origin, publicUrl)) return returnUrl;
  const origins: string[] = await returnOriginsOf(db, tenantId).catch(() => []);
  return origins.includes(new URL(returnUrl).origin) ? returnUrl : null;
}

/** An origin as a browser sends it: scheme, host and port, nothing else. */
export function normaliseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.origin !== value.replace(/\/$/, '')) return undefined;
  return url.origin;
}

export async function updateReturnOrigins(db: Db, tenantId: string, origins: string[]) {
  const tenant = await setTenantReturnOrigins(db, tenantId, [...new Set(origins)]);
  if (!tenant) throw new NotFoundError('Tenant not found');
  return { returnOrigins: tenant.return_origins };
}
