import { z } from 'zod';
import {
  authSchemeSchema,
  credentialNameSchema,
  credentialsInputSchema,
  httpUrlSchema,
  integrationIdSchema,
  urlHostSchema,
} from './fields';

/** OAuth client settings; the secret is sealed, everything else is stored as given. */
export const oauthSettingsInputSchema = z.object({
  clientId: z.string().min(1).max(512).optional(),
  clientSecret: z.string().min(1).max(4096).optional(),
  scopes: z.array(z.string().min(1).max(512)).max(200).optional(),
  authorizeUrl: httpUrlSchema.optional(),
  tokenUrl: httpUrlSchema.optional(),
  revokeUrl: httpUrlSchema.optional(),
  extraAuthorizeParams: z.record(z.string(), z.string().max(1024)).optional(),
  /** Scopes a connection must have been granted to be usable; default: `scopes`. */
  requiredScopes: z.array(z.string().min(1).max(512)).max(200).optional(),
  pkce: z.enum(['required', 'supported', 'unsupported']).optional(),
  clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
  scopeSeparator: z.enum([' ', ',', '+']).optional(),
});

export type OAuthSettingsInput = z.infer<typeof oauthSettingsInputSchema>;

/** Fields an upsert may set; every field is optional on update, `urlHost` is needed to create. */
export const integrationFieldsSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  urlHost: urlHostSchema.optional(),
  urlPath: z.string().max(2048).optional(),
  auth: authSchemeSchema.nullable().optional(),
  templateId: z.string().min(1).max(128).nullable().optional(),
  instructions: z.string().max(20_000).nullable().optional(),
  docsUrl: httpUrlSchema.nullable().optional(),
  /** Merged into the stored credentials: names given here are set, others are kept. */
  credentials: credentialsInputSchema.optional(),
  /** Stored credential names to delete. */
  removeCredentials: z.array(credentialNameSchema).max(50).optional(),
  /** Replace all stored credentials with `credentials` instead of merging. */
  replaceCredentials: z.boolean().optional(),
  oauth: oauthSettingsInputSchema.nullable().optional(),
});

export const integrationUpsertSchema = integrationFieldsSchema.extend({ id: integrationIdSchema });

export type IntegrationUpsertInput = z.infer<typeof integrationUpsertSchema>;
