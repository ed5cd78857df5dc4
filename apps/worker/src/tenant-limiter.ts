/**
 * Caps how many activities of one tenant run at once in this worker, so a tenant with a
 * burst of runs leaves room for the others. Waiters queue per tenant in arrival order.
 * (Dispatch from the server is also fair across tenants: activities carry the tenant as
 * their Temporal fairness key.)
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

  active(tenantId: string): number {
    return this.#active.get(tenantId) ?? 0;
  }

  async run<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(tenantId);
    try {
      return await fn();
    } finally {
      this.#release(tenantId);
    }
  }

  async #acquire(tenantId: string): Promise<void> {
    const active = this.active(tenantId);
    if (active < this.#max) {
      this.#active.set(tenantId, active + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = this.#waiting.get(tenantId) ?? [];
      queue.push(resolve);
      this.#waiting.set(tenantId, queue);
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
