import { z } from 'zod';
import type { AuthScheme } from './types';

/**
 * The one set of rules for an `AuthScheme`, used by the api (what tenants send) and by the
 * provider catalogue (every template's `auth` passes it at load). The rules are the api's: they
 * are what tenants are held to.
 */

/** A credential name as a tenant may write it: 1-128 letters, digits, dots, dashes or underscores. */
export const credentialNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    'credential names are 1-128 letters, digits, dots, dashes or underscores',
  );

/** RFC 9110 token characters. */
const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid header name');

export interface AuthSchemeSchemaOptions {
  /**
   * Builds each variant's object (default `z.strictObject`): the api passes its own, whose
   * unknown-key message suggests the key that was meant.
   */
  strictObject?: <T extends z.core.$ZodLooseShape>(shape: T) => z.ZodObject<T, z.core.$strict>;
}

/**
 * Basic may name '' for the username or password: an empty one, for APIs that take the key as
 * the Basic username (Stripe, Chargebee). Templates do, and so may tenants: an integration made
 * from such a template is read back with it, and must upsert as read.
 */
const basicNameSchema = z.union([z.literal(''), credentialNameSchema]);

/** The auth-scheme schema; see `AuthSchemeSchemaOptions` for what a caller may choose. */
export function createAuthSchemeSchema(options: AuthSchemeSchemaOptions = {}) {
  const object =
    options.strictObject ?? (<T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape));
  const schema = z.discriminatedUnion('type', [
    object({ type: z.literal('none') }),
    object({
      type: z.literal('header'),
      name: headerNameSchema,
      prefix: z.string().max(64).optional(),
      credential: credentialNameSchema.optional(),
    }),
    object({
      type: z.literal('query'),
      name: z.string().min(1).max(128),
      credential: credentialNameSchema.optional(),
    }),
    object({ type: z.literal('bearer'), credential: credentialNameSchema.optional() }),
    object({
      type: z.literal('basic'),
      username: basicNameSchema.optional(),
      password: basicNameSchema.optional(),
    }),
    object({ type: z.literal('oauth2'), credential: credentialNameSchema.optional() }),
    object({ type: z.literal('database') }),
  ]);
  // What passes is an `AuthScheme`: the type the mapper reads stays the schema's output.
  return schema satisfies z.ZodType<AuthScheme>;
}

/** The rules as tenants are held to them, with zod's own messages. */
export const authSchemeSchema = createAuthSchemeSchema();
