export { isSecretKey, REDACTED, redactPayload, redactSecrets } from '@latchkey/temporal';
export {
  CODEC_BASE_PATH,
  type CodecHandlerDeps,
  createCodecHandler,
  MAX_CODEC_BODY_BYTES,
} from './handler';
export { CODEC_SESSION_COOKIE } from './session';
