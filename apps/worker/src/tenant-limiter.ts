/**
 * Caps how many activities of one tenant run at once in this worker, so a tenant with a
 * burst of runs leaves room for the others. Waiters queue per tenant in arrival order.
 * (Dispatch from the server is also fair across tenants: activities carry the tenant as
 * their Temporal fairness key.) Every activity that does a tenant's work, steps, credential
 * tests and token refreshes alike, takes its slot here: see activities/tenant-slot.ts.
 */
export class TenantLimiter {
  readonly #max: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(maxPerTenant: number) {
    if (!Number.isInteger(maxPerTenant) || maxPerTenant < 1) {
      throw new Error('the per-tenant activity limit must be a positive integer');
    }
    this.#max = maxPerTenant;
  }

  get maxPerTenant(): number {
    return this.#max;
  }

  active(tenantId: string): number {
    return this.#active.get(tenantId) ?? 0;
  }

  waiting(tenantId: string): number {
    return this.#waiting.get(tenantId)?.length ?? 0;
  }

  /**
   * Runs `fn` in one of the tenant's slots. When `signal` fires while the call still waits
   * (the attempt was cancelled or timed out), it leaves the queue and rejects with the
   * signal's reason: a dead attempt never takes a slot, nor runs its work, later.
   */
  async run<T>(tenantId: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(tenantId, signal);
    try {
      return await fn();
    } finally {
      this.#release(tenantId);
    }
  }

  async #acquire(tenantId: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    const active = this.active(tenantId);
    if (active < this.#max) {
      this.#active.set(tenantId, active + 1);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.#waiting.get(tenantId) ?? [];
      const onAbort = () => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.#waiting.get(tenantId) === queue) {
          this.#waiting.delete(tenantId);
        }
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(grant);
      this.#waiting.set(tenantId, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(tenantId: string): void {
    const next = this.#waiting.get(tenantId)?.shift();
    if (next) {
      // The slot passes straight to the next waiter; the count stays the same.
      next();
      return;
    }
    this.#waiting.delete(tenantId);
    const active = this.active(tenantId) - 1;
    if (active > 0) this.#active.set(tenantId, active);
    else this.#active.delete(tenantId);
  }
}
