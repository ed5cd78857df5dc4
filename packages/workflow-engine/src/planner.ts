import { createRedactor } from '@latchkey/credential-mapper';
import { excerpt } from './errors';
import { PLANNER_SYSTEM_PROMPT, plannerUserMessage } from './planner-prompt';
import type { WorkflowStep } from './steps';
import {
  type IntegrationInfo,
  type ValidationProblem,
  validateWorkflowDefinition,
} from './validate';

/**
 * Turns an instruction into steps with any OpenAI-compatible chat-completions endpoint.
 * Invariant: no PlannerError message contains the API key (every text that could echo it, such
 * as an error body, is redacted), and only integration names and settings (never credential
 * values) are sent to the endpoint.
 */
export interface PlannerOptions {
  /** e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1`. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Times invalid output is sent back with its problems for a fix (default 1). */
  repairAttempts?: number;
}

export interface PlanInput {
  instruction: string;
  integrations: IntegrationInfo[];
  responseSchema?: object;
  inputSchema?: object;
}

export interface Planner {
  plan(input: PlanInput): Promise<WorkflowStep[]>;
}

export type PlannerErrorCode = 'HTTP' | 'NETWORK' | 'TIMEOUT' | 'UNPARSEABLE' | 'INVALID_STEPS';

export class PlannerError extends Error {
  override readonly name = 'PlannerError';
  readonly code: PlannerErrorCode;
  readonly status: number | undefined;
  readonly problems: ValidationProblem[];

  constructor(
    code: PlannerErrorCode,
    message: string,
    details: { status?: number; problems?: ValidationProblem[] } = {},
  ) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.problems = details.problems ?? [];
  }
}

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The steps array from the model's text, which should be `{ "steps": [...] }`. */
export function parsePlannerContent(content: string): unknown[] | string {
  const unfenced = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(unfenced);
  } catch {
    return 'the output is not JSON';
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed !== null && typeof parsed === 'object') {
    const steps = (parsed as { steps?: unknown }).steps;
    if (Array.isArray(steps)) return steps;
  }
  return 'the output is not an object with a "steps" array';
}

export function createPlanner(options: PlannerOptions): Planner {
  const doFetch = options.fetch ?? fetch;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const repairAttempts = options.repairAttempts ?? 1;
  const { redactString } = createRedactor(options.apiKey ? [options.apiKey] : []);
  const fail = (
    code: PlannerErrorCode,
    message: string,
    details?: ConstructorParameters<typeof PlannerError>[2],
  ) => new PlannerError(code, redactString(message), details);
  let origin: string;
  try {
    origin = new URL(endpoint).origin;
  } catch {
    throw new PlannerError('NETWORK', 'the planner URL is not a valid URL');
  }

  async function complete(messages: ChatMessage[]): Promise<string> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          messages,
          response_format: { type: 'json_object' },
          temperature: 0,
        }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw fail('TIMEOUT', `the planner at ${origin} did not answer within ${timeoutMs} ms`);
      }
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw fail('NETWORK', `could not reach the planner at ${origin}: ${cause ?? String(error)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw fail('NETWORK', `the planner at ${origin} closed the connection mid-response`);
    }
    if (!response.ok) {
      const snippet = excerpt(redactString(text), 300);
      throw fail(
        'HTTP',
        `the planner at ${origin} returned ${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`.trim(),
        { status: response.status },
      );
    }
    let content: unknown;
    try {
      const body = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
      content = body.choices?.[0]?.message?.content;
    } catch {
      throw fail('UNPARSEABLE', `the planner at ${origin} did not answer with JSON`);
    }
    if (typeof content !== 'string' || content.trim() === '') {
      throw fail('UNPARSEABLE', 'the planner answer has no choices[0].message.content');
    }
    return content;
  }

  return {
    async plan(input) {
      const messages: ChatMessage[] = [
        { role: 'system', content: PLANNER_SYSTEM_PROMPT },
        { role: 'user', content: plannerUserMessage(input) },
      ];
      for (let attempt = 0; ; attempt++) {
        const content = await complete(messages);
        const steps = parsePlannerContent(content);
        let complaint: string;
        let problems: ValidationProblem[] = [];
        if (typeof steps === 'string') {
          complaint = `${steps}: ${excerpt(redactString(content), 200)}`;
        } else {
          const result = validateWorkflowDefinition({
            steps,
            integrations: input.integrations,
            inputSchema: input.inputSchema,
            responseSchema: input.responseSchema,
          });
          if (result.ok) return result.steps;
          problems = result.problems;
          complaint = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        }
        if (attempt >= repairAttempts) {
          throw typeof steps === 'string'
            ? fail('UNPARSEABLE', `the planner returned unusable output (${complaint})`)
            : fail('INVALID_STEPS', `the planner returned invalid steps: ${complaint}`, {
                problems,
              });
        }
        messages.push(
          { role: 'assistant', content },
          {
            role: 'user',
            content: `That is not valid: ${complaint}. Reply with the corrected JSON object only.`,
          },
        );
      }
    },
  };
}
