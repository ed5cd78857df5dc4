// The mapper's walk, so steps and requests read variables the same way.
export { lookupVariable } from '@latchkey/credential-mapper';
export {
  checkPlannerEnv,
  type PlannerConfig,
  plannerEnv,
  plannerFromConfig,
  plannerFromEnv,
  schemaLimitsEnv,
  schemaLimitsFromEnv,
  schemaLimitsOf,
} from './env';
export type { StepErrorDetails, StepErrorKind } from './errors';
export { StepError } from './errors';
export type { HttpExecuteOptions, HttpResult } from './http';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  executeHttp,
  MAX_RETRY_AFTER_MS,
  parseResponseBody,
} from './http';
export { linearPatternProblem, toRe2Syntax } from './linear-regexp';
export type { CollectedPages, CollectPagesInput, PageParams } from './paginate';
export { collectPages, effectiveMaxPages, mergePageParams, PaginationError } from './paginate';
export type { PlaceholderErrorCode, StepVariables } from './placeholders';
export { PlaceholderError, resolveSqlParams } from './placeholders';
export type {
  PlanInput,
  Planner,
  PlannerErrorCode,
  PlannerOptions,
} from './planner';
export { createPlanner, PlannerError, parsePlannerContent } from './planner';
export { PLANNER_SYSTEM_PROMPT, plannerUserMessage } from './planner-prompt';
export type { StepContext } from './result';
export { computeStepResult } from './result';
export type { ResetFormat, RetryDelayInput, RetryDelayRules } from './retry-delay';
export { MAX_RETRY_DELAY_MS, parseReset, retryDelayFromHeaders } from './retry-delay';
export { closeTransformSandbox } from './sandbox';
export type { SchemaCheck, SchemaLimits, SchemaProblem } from './schema';
export {
  compileSchemaProblem,
  configureSchemaLimits,
  DEFAULT_SCHEMA_LIMITS,
  schemaLimits,
  schemaProblem,
  validateAgainstSchema,
} from './schema';
export type { SqlExecuteOptions, SqlResult } from './sql';
export {
  classifySqlError,
  DEFAULT_MAX_RESULT_BYTES,
  DEFAULT_MAX_ROWS,
  executeSql,
  toJsonData,
} from './sql';
export { highestSqlParameter } from './sql-text';
export * from './steps';
export type { TransformOptions } from './transform';
export {
  DEFAULT_TRANSFORM_MAX_DEPTH,
  DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES,
  DEFAULT_TRANSFORM_MAX_SEQUENCE,
  DEFAULT_TRANSFORM_TIMEOUT_MS,
  jsonataCompileProblem,
  runTransform,
  TransformError,
} from './transform';
export type {
  IntegrationInfo,
  UnresolvedCredential,
  ValidationProblem,
  ValidationResult,
  ValidationWarnings,
  WorkflowDefinitionInput,
} from './validate';
export { validateWorkflowDefinition } from './validate';
