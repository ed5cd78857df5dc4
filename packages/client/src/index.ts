export { LatchkeyClient, type LatchkeyClientOptions } from './client';
export { normalizeEndpoint } from './endpoint';
export {
  type FieldIssue,
  type FromErrorOptions,
  isLatchkeyError,
  LatchkeyError,
  type LatchkeyErrorCode,
  type LatchkeyErrorOptions,
} from './errors';
export type { FetchLike, HeadersOption } from './transport';
export type * from './types';
export { verifyWebhookSignature } from './webhook';
