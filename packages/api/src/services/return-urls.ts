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

/** Where the platform's own console is served: the api's origin, and any other it names. */
export interface PlatformOrigins {
  publicUrl: string;
  /** The console's other origins (its dev server under `pnpm dev`): LATCHKEY_CONSOLE_ORIGINS. */
  consoleOrigins?: readonly string[];
}

/** The platform's own console is always a place to return to: no tenant registers it. */
const isPlatformOrigin = (origin: string, platform: PlatformOrigins | undefined) =>
  platform !== undefined &&
  (new URL(platform.publicUrl).origin === origin ||
    (platform.consoleOrigins ?? []).includes(origin));

export async function assertReturnUrlRegistered(
  db: Db,
  tenantId: string,
  returnUrl: string | undefined,
  platform?: PlatformOrigins,
): Promise<void> {
  if (returnUrl === undefined) return;
  const origin = new URL(returnUrl).origin;
  if (isPlatformOrigin(origin, platform)) return;
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
  platform?: PlatformOrigins,
): Promise<string | null> {
  if (returnUrl === null) return null;
  if (isPlatformOrigin(new URL(returnUrl).origin, platform)) return returnUrl;
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
