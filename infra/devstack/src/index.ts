export { freePort } from './ports';
export type { RunningPostgres, StartPostgresOptions } from './postgres';
export {
  dropDatabase,
  EmbeddedPostgresError,
  ensureDatabase,
  redactUrl,
  startPostgres,
  withDatabase,
} from './postgres';
export type { RunningTemporal, StartTemporalOptions } from './temporal';
export {
  findTemporalCli,
  findTemporalTestServer,
  startTemporal,
  TEMPORAL_INSTALL_HINT,
  TEMPORAL_TEST_SERVER_INSTALL_HINT,
} from './temporal';
export type { TestServices } from './test-services';
