// Deterministic, dependency-free contracts for workflow code (safe in the workflow sandbox).
export type { SmokeActivities, SmokeInput, SmokeResult } from './contracts';
export { TASK_QUEUE } from './contracts';
