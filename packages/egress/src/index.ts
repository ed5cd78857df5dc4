export type { Address } from './address';
export { canonical, deniedReason, parseAddress, unwrap } from './address';
export type { AllowRule } from './allowlist';
export { EgressConfigError, parseAllowList, parseAllowRule } from './allowlist';
export type { EgressPolicy } from './egress';
export { createEgressPolicy } from './egress';
export type { EgressRefusal } from './errors';
export { ALLOW_ENV, EGRESS_REFUSED, EgressRefusedError, findEgressRefusal } from './errors';
export type { PlatformService } from './platform';
export { hostPortOf } from './platform';
export type { CheckedAddress, EgressPolicyOptions } from './policy';
export { parseRetryAfter } from './retry-after';
export {
  type EgressConfig,
  egressPolicyFromConfig,
  type PlatformEnv,
  platformServicesOf,
} from './services';
