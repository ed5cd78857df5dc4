export {
  CONFIG_EXIT_CODE,
  ConfigError,
  type ConfigProblem,
  exitOnConfigError,
  readProcessEnv,
} from './read';
export { logLevelEnv, temporalEnv } from './shapes';
