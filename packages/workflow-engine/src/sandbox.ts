import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Invariant: tenant JSONata never runs on the caller's thread. Each evaluation runs in a worker
 * thread with a memory cap and is killed (`worker.terminate()`) when it overruns its time.
 *
 * Why a thread: JSONata 2 checks its own `timeout`/`stack` guardrails only when a function is
 * applied, and its evaluator chains microtasks, so a timer raced against it in the same thread
 * cannot fire until it finishes. `[1..999999].([1..999999][0])` applies no function and would
 * block the worker's event loop (every tenant's activities on it) for hours; a regex literal with
 * catastrophic backtracking blocks inside one native call. Only another thread can stop those.
 *
 * Invariant: the threads are shared by every tenant, and waiting evaluations queue per tenant
 * (`fairnessKey`), served round-robin: a tenant with a thousand transforms queued delays another
 * tenant's next one by at most one evaluation per thread, never by its whole backlog.
 *
 * Invariant: an output larger than `maxOutputBytes` as JSON fails (TOO_LARGE) inside the thread,
 * before it is copied to the caller.
 */

export interface SandboxOptions {
  /** Worker threads kept for transforms (default: min(4, CPUs)). */
  poolSize?: number;
  /** V8 old-generation cap per worker thread (default 256 MiB): a memory bomb kills the thread. */
  memoryLimitMb?: number;
}

export interface EvaluateRequest {
  expression: string;
  data: unknown;
  timeoutMs: number;
  maxDepth: number;
  maxSequence: number;
  maxOutputBytes: number;
}

export type EvaluateOutcome =
  | { ok: true; json: string | undefined }
  | { ok: false; error: SandboxFailure };

export interface SandboxFailure {
  code: string;
  message: string;
  position?: number;
  token?: string;
}

/** Extra time after the JSONata guardrail before the thread is killed. */
const KILL_GRACE_MS = 100;

/**
 * The thread's code, a module of its own (sandbox-thread.js). From the sources it sits beside
 * this file; in a built app this file is bundled into dist/ and the app's build emits
 * dist/sandbox-thread.js beside it (apps/worker/tsup.config.ts).
 */
const THREAD_URL = new URL('./sandbox-thread.js', import.meta.url);

interface Task {
  request: EvaluateRequest;
  resolve: (outcome: EvaluateOutcome) => void;
}

interface Slot {
  worker: Worker;
  current?: { id: number; task: Task; timer: NodeJS.Timeout };
}

/** Waiting evaluations, one queue per fairness key, served round-robin. */
class FairQueue {
  // Map iteration follows insertion order: the first key is the next to serve.
  private readonly queues = new Map<string, Task[]>();

  get size(): number {
    return this.queues.size;
  }

  push(key: string, task: Task): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(task);
    else this.queues.set(key, [task]);
  }

  /** The next task of the key whose turn it is; that key then goes to the back of the line. */
  shift(): Task | undefined {
    for (const [key, queue] of this.queues) {
      const task = queue.shift();
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      if (task) return task;
    }
    return undefined;
  }

  drain(): Task[] {
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    return all;
  }
}

/** The threads and their fair queue; the process shares one (`evaluateInSandbox`). */
export class SandboxPool {
  private readonly slots = new Set<Slot>();
  private readonly queue = new FairQueue();
  private nextId = 1;
  private readonly poolSize: number;
  private readonly memoryLimitMb: number;

  constructor(options: SandboxOptions = {}) {
    this.poolSize = options.poolSize ?? Math.max(1, Math.min(4, availableParallelism()));
    this.memoryLimitMb = options.memoryLimitMb ?? 256;
  }

  evaluate(request: EvaluateRequest, fairnessKey: string): Promise<EvaluateOutcome> {
    return new Promise((resolve) => {
      this.queue.push(fairnessKey, { request, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) this.finish(slot, sandboxError('CLOSED', 'transform sandbox closed'));
    for (const task of this.queue.drain()) {
      task.resolve(sandboxError('CLOSED', 'transform sandbox closed'));
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.size > 0) {
      let slot = [...this.slots].find((s) => s.current === undefined);
      if (!slot && this.slots.size < this.poolSize) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift();
      if (!task) return;
      this.start(slot, task);
    }
  }

  private start(slot: Slot, task: Task): void {
    const id = this.nextId++;
    const { timeoutMs } = task.request;
    const timer = setTimeout(() => {
      // Past the guardrail: the expression is stuck outside function calls. Kill the thread.
      this.discard(slot);
      this.finish(slot, sandboxError('D1012', `evaluation timed out after ${timeoutMs} ms`));
      this.dispatch();
    }, timeoutMs + KILL_GRACE_MS);
    slot.current = { id, task, timer };
    try {
      slot.worker.postMessage({ id, ...task.request });
    } catch (error) {
      // DataCloneError: the input holds functions or other values that are not data.
      this.finish(
        slot,
        sandboxError('INPUT', `transform input is not plain data: ${errorText(error)}`),
      );
      this.dispatch();
    }
  }

  private finish(slot: Slot, outcome: EvaluateOutcome): void {
    const current = slot.current;
    if (!current) return;
    clearTimeout(current.timer);
    slot.current = undefined;
    current.task.resolve(outcome);
  }

  private discard(slot: Slot): void {
    if (!this.slots.delete(slot)) return;
    slot.worker.terminate().catch(() => {});
  }

  private spawn(): Slot {
    const worker = new Worker(THREAD_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMb },
      stdout: true,
      stderr: true,
    });
    worker.unref(); // an idle sandbox never keeps the process alive; pending timers do
    const slot: Slot = { worker };
    worker.on('message', (message: { id: number } & EvaluateOutcome) => {
      if (slot.current?.id !== message.id) return;
      const { id: _id, ...outcome } = message;
      this.finish(slot, outcome);
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.discard(slot);
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.finish(
        slot,
        memory
          ? sandboxError(
              'MEMORY',
              `transform exceeded its memory limit (${this.memoryLimitMb} MiB)`,
            )
          : sandboxError('SANDBOX', `transform sandbox failed: ${errorText(error)}`),
      );
      this.dispatch();
    });
    worker.on('exit', () => {
      this.discard(slot);
      this.finish(slot, sandboxError('SANDBOX', 'transform sandbox exited unexpectedly'));
      this.dispatch();
    });
    this.slots.add(slot);
    return slot;
  }
}

function sandboxError(code: string, message: string): EvaluateOutcome {
  return { ok: false, error: { code, message } };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let pool: SandboxPool | undefined;

/** Terminates the sandbox threads (graceful shutdown); the next transform starts new ones. */
export async function closeTransformSandbox(): Promise<void> {
  const old = pool;
  pool = undefined;
  await old?.close();
}

/** `fairnessKey` (the tenant) decides whose queued evaluation runs next: see the invariant. */
export function evaluateInSandbox(
  request: EvaluateRequest,
  fairnessKey = '',
): Promise<EvaluateOutcome> {
  pool ??= new SandboxPool();
  return pool.evaluate(request, fairnessKey);
}
