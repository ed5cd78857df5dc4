export * from './codec/payload-codec';
export * from './codec/redact';
export * from './contracts';
export * from './events';
export * from './health-schedule';
export {
  failureConverter,
  payloadConverter,
  payloadTenantId,
  SEALED_BY_METADATA_KEY,
  sealingTenantOf,
  TenantTaggingPayloadConverter,
} from './payload-converter';
export { ensureSearchAttributes } from './register-search-attributes';
export * from './run-reconciler';
export * from './search-attributes';
export * from './tenant-check';
export * from './workflow-tenant';
