export { canUseCodec } from './auth';
export {
  CODEC_BASE_PATH,
  type CodecHandlerDeps,
  createCodecHandler,
  MAX_CODEC_BODY_BYTES,
} from './handler';
export { isSecretKey, REDACTED, redactPayload, redactSecrets } from './redact';
export { CODEC_SESSION_COOKIE } from './session';
