import type { WorkflowStep } from './steps';
import { runTransform, type TransformOptions } from './transform';

export interface StepContext {
  /** The run's input payload. */
  input: unknown;
  /** Results of the steps that ran before, by step id. */
  steps: Record<string, unknown>;
}

/**
 * A step's result, as the worker computes it: its `transform` applied to
 * `{ result: raw, input, steps }`, or `raw` when it has none. A transform that matches nothing
 * gives undefined, as JSONata does: the step's result is then absent from `steps`, and a run
 * whose last step it is records a null output.
 */
export async function computeStepResult(
  step: Pick<WorkflowStep, 'transform'>,
  raw: unknown,
  context: StepContext,
  options?: TransformOptions,
): Promise<unknown> {
  if (step.transform === undefined) return raw;
  const data = { result: raw, input: context.input, steps: context.steps };
  return runTransform(step.transform, data, options);
}
