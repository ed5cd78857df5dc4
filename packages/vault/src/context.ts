import { z } from 'zod';
import { InvalidContextError } from './errors';

const UUID = z.uuid();

/**
 * Tenant ids are UUIDs and PostgreSQL's uuid type ignores case, so they are bound (and keys
 * cached) in lower case: a value sealed for `ABC…` opens for `abc…`, as the database would
 * find the row for either. Record and user ids are bound exactly as given.
 */
export function canonicalTenantId(tenantId: string): string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new InvalidContextError('tenantId must be a non-empty string');
  }
  if (tenantId.length !== 36) return tenantId;
  // A plain loop: this runs on every seal and open, and nearly every id is lower case already.
  for (let i = 0; i < 36; i++) {
    const code = tenantId.charCodeAt(i);
    if (code >= 65 && code <= 70)
      return UUID.safeParse(tenantId).success ? tenantId.toLowerCase() : tenantId;
  }
  return tenantId;
}

export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer`);
  }
  return value;
}
