/**
 * Invariant: a StepError's message is already redacted and names the step; it is safe to log, to
 * store in run history and to hand to Temporal. Nothing else (no cause, no request) is attached.
 */
export type StepErrorKind = 'retryable' | 'rate_limited' | 'fatal';

export interface StepErrorDetails {
  status?: number;
  /** For `rate_limited` (and a 503 with Retry-After): how long to wait before retrying. */
  retryAfterMs?: number;
  /** A machine-readable reason: `HTTP_404`, `TIMEOUT`, `NETWORK`, `TOO_LARGE`, a SQLSTATE ... */
  code?: string;
}

export class StepError extends Error {
  override readonly name = 'StepError';
  readonly kind: StepErrorKind;
  readonly stepId: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;

  constructor(
    kind: StepErrorKind,
    stepId: string,
    message: string,
    details: StepErrorDetails = {},
  ) {
    super(message);
    this.kind = kind;
    this.stepId = stepId;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.code = details.code;
  }

  get retryable(): boolean {
    return this.kind !== 'fatal';
  }

  /** Plain data for run history and Temporal failure details. */
  toJSON(): {
    name: string;
    kind: StepErrorKind;
    stepId: string;
    message: string;
    status?: number;
    retryAfterMs?: number;
    code?: string;
  } {
    return {
      name: this.name,
      kind: this.kind,
      stepId: this.stepId,
      message: this.message,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.code !== undefined ? { code: this.code } : {}),
    };
  }
}

/** `step "id": ` – every step error message starts like this. */
export const stepPrefix = (stepId: string): string => `step "${stepId}": `;

/** Whitespace collapsed, cut to `max` characters with an ellipsis. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
