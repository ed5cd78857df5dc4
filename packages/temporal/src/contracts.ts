/** The single task queue the worker fleet polls; tenants share it, fairness is per tenant. */
export const TASK_QUEUE = 'latchkey';

export interface SmokeInput {
  message: string;
}

export interface SmokeResult {
  echoed: string;
  workerIdentity: string;
}

/** Activity interface shared by the worker (implementation) and workflows (types only). */
export interface SmokeActivities {
  echo(input: SmokeInput): Promise<SmokeResult>;
}

/** Readable workflow ids so the Temporal UI list says what each execution is. */
export function smokeWorkflowId(suffix: string): string {
  return `latchkey-smoke-${suffix}`;
}

export * from './event-contracts';
export * from './health-contracts';
export * from './refresher-contracts';
export * from './run-contracts';
export * from './verify-contracts';
