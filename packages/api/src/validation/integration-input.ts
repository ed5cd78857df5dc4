import { z } from 'zod';
import {
  authSchemeSchema,
  credentialNameSchema,
  credentialsInputSchema,
  httpUrlSchema,
  integrationIdSchema,
  urlHostSchema,
} from './fields';
import { optionalOrNull, readOnly, strictObject } from './strict';

/** What `integrationView` shows for a stored client secret; passed back, it changes nothing. */
const clientSecretHintSchema = strictObject({ set: z.boolean(), hint: z.string() });

/** OAuth client settings; the secret is sealed, everything else is stored as given. */
export const oauthSettingsInputSchema = strictObject({
  clientId: optionalOrNull(z.string().min(1).max(512)),
  clientSecret: optionalOrNull(z.union([z.string().min(1).max(4096), clientSecretHintSchema])),
  scopes: optionalOrNull(z.array(z.string().min(1).max(512)).max(200)),
  authorizeUrl: optionalOrNull(httpUrlSchema),
  tokenUrl: optionalOrNull(httpUrlSchema),
  revokeUrl: optionalOrNull(httpUrlSchema),
  extraAuthorizeParams: optionalOrNull(z.record(z.string(), z.string().max(1024))),
  /** Scopes a connection must have been granted to be usable; default: `scopes`. */
  requiredScopes: optionalOrNull(z.array(z.string().min(1).max(512)).max(200)),
  pkce: optionalOrNull(z.enum(['required', 'supported', 'unsupported'])),
  clientAuthMethod: optionalOrNull(z.enum(['client_secret_basic', 'client_secret_post', 'none'])),
  scopeSeparator: optionalOrNull(z.enum([' ', ',', '+'])),
}).transform(({ clientSecret, ...settings }) => ({
  ...settings,
  // The hint object is what a read shows: the stored secret stays as it is.
  clientSecret: typeof clientSecret === 'string' ? clientSecret : undefined,
}));

export type OAuthSettingsInput = z.infer<typeof oauthSettingsInputSchema>;

/** The credential list a read shows (names and masked hints): passed back, it changes nothing. */
const credentialHintsSchema = z.array(strictObject({ name: z.string(), hint: z.string() }));

/**
 * Fields an upsert may set; every field is optional on update, `urlHost` is needed to create
 * (or a template, given or detected). The documentation's names are accepted as aliases:
 * `specificInstructions` for `instructions`, `documentationUrl` for `docsUrl`. The fields of
 * an integration as read (`version`, `createdAt`, ...) are accepted and ignored, so a read
 * can be passed back.
 */
const integrationFieldsShape = {
  name: optionalOrNull(z.string().trim().min(1).max(200)),
  urlHost: optionalOrNull(urlHostSchema),
  urlPath: optionalOrNull(z.string().max(2048)),
  auth: authSchemeSchema.nullable().optional(),
  templateId: z.string().min(1).max(128).nullable().optional(),
  instructions: z.string().max(20_000).nullable().optional(),
  specificInstructions: z.string().max(20_000).nullable().optional(),
  docsUrl: httpUrlSchema.nullable().optional(),
  documentationUrl: httpUrlSchema.nullable().optional(),
  /** Merged into the stored credentials: names given here are set, others are kept. */
  credentials: optionalOrNull(z.union([credentialsInputSchema, credentialHintsSchema])),
  /** Stored credential names to delete. */
  removeCredentials: optionalOrNull(z.array(credentialNameSchema).max(50)),
  /** Replace all stored credentials with `credentials` instead of merging. */
  replaceCredentials: optionalOrNull(z.boolean()),
  oauth: oauthSettingsInputSchema.nullable().optional(),
  version: readOnly,
  createdAt: readOnly,
  updatedAt: readOnly,
  health: readOnly,
  connection: readOnly,
  applied: readOnly,
};

type RawFields = z.infer<z.ZodObject<typeof integrationFieldsShape>>;

/** One name per field: aliases folded in, read-only fields and hint lists dropped. */
function normaliseFields(raw: RawFields, ctx: z.RefinementCtx) {
  const alias = <T>(name: string, value: T, aliasName: string, aliasValue: T): T => {
    if (value !== undefined && aliasValue !== undefined && value !== aliasValue) {
      ctx.addIssue({
        code: 'custom',
        path: [aliasName],
        message: `is another name for '${name}': give one of them`,
      });
    }
    return value !== undefined ? value : aliasValue;
  };
  const {
    specificInstructions,
    documentationUrl,
    credentials,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    health: _health,
    connection: _connection,
    applied: _applied,
    ...fields
  } = raw;
  return {
    ...fields,
    instructions: alias(
      'instructions',
      fields.instructions,
      'specificInstructions',
      specificInstructions,
    ),
    docsUrl: alias('docsUrl', fields.docsUrl, 'documentationUrl', documentationUrl),
    credentials: Array.isArray(credentials) ? undefined : credentials,
  };
}

export const integrationUpsertSchema = strictObject({
  ...integrationFieldsShape,
  id: integrationIdSchema,
}).transform((raw, ctx) => ({ ...normaliseFields(raw, ctx), id: raw.id }));

export type IntegrationUpsertInput = z.infer<typeof integrationUpsertSchema>;
