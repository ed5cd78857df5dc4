export {
  CONFIG_EXIT_CODE,
  ConfigError,
  type ConfigProblem,
  exitOnConfigError,
  readProcessEnv,
} from './read';
export {
  commaSeparated,
  egressEnv,
  logLevelEnv,
  temporalEnv,
  trustedProxiesEnv,
} from './shapes';
