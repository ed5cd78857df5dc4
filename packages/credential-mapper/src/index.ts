export {
  type AuthSchemeSchemaOptions,
  authSchemeSchema,
  createAuthSchemeSchema,
  credentialNameSchema,
} from './auth-scheme-schema';
export {
  base64Encode,
  base64UrlEncode,
  basicAuthorization,
  encodeComponent,
  encodeHost,
  formEncode,
  isSafeHeaderValue,
  jsonEscape,
} from './encoding';
export type { CredentialMappingErrorCode, CredentialMappingErrorDetails } from './errors';
export { CredentialMappingError } from './errors';
export type {
  CredentialNames,
  InspectInput,
  ResolvabilityReport,
  TemplateInspection,
} from './inspect';
export { authLookups, checkResolvable, inspectTemplate } from './inspect';
export { mapRequest } from './map-request';
export type { CredentialEntry, CredentialSources } from './merge';
export { credentialEntries } from './merge';
export type { CredentialName, MatchKind, NameResolution, NormalisedName } from './names';
export { ALIAS_GROUPS, aliasGroupOf, NamePool, normaliseName, tokenize } from './names';
export type { TemplatePart } from './placeholders';
export {
  isVariablePath,
  listPlaceholders,
  parseTemplate,
  substitute,
  wholePlaceholder,
} from './placeholders';
export type { RedactedError, Redactor, RedactorOptions } from './redact';
export {
  createRedactor,
  expandSecrets,
  MIN_SECRET_LENGTH,
  REDACTED,
  secretForms,
} from './redact';
export * from './types';
export { isDatabaseUrl } from './url-template';
export { lookupVariable, type VariableLookup } from './variables';
