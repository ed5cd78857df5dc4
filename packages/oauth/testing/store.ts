import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * The provider's storage, one per test server. oidc-provider's own memory adapter is shared by
 * every provider in the process and cannot list grants; this one can, so a test can revoke every
 * grant of an account, and register clients after the provider started (dynamic clients are
 * looked up through the adapter).
 */
export class MemoryStore {
  private readonly entries = new Map<string, Entry>();

  private key(model: string, id: string): string {
    return `${model}:${id}`;
  }

  get(model: string, id: string): AdapterPayload | undefined {
    const key = this.key(model, id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, id: string, payload: AdapterPayload, expiresInSeconds?: number): void {
    const expiresAt = expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : Infinity;
    this.entries.set(this.key(model, id), { payload, expiresAt });
  }

  delete(model: string, id: string): void {
    this.entries.delete(this.key(model, id));
  }

  /** Entries of one model, unexpired. */
  list(model: string): { id: string; payload: AdapterPayload }[] {
    const prefix = `${model}:`;
    const out: { id: string; payload: AdapterPayload }[] = [];
    for (const key of [...this.entries.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const id = key.slice(prefix.length);
      const payload = this.get(model, id);
      if (payload) out.push({ id, payload });
    }
    return out;
  }

  /** Deletes a grant and every token issued under it, whatever the model. */
  revokeGrant(grantId: string): void {
    this.delete('Grant', grantId);
    for (const [key, entry] of [...this.entries]) {
      if (entry.payload.grantId === grantId) this.entries.delete(key);
    }
  }

  adapterFor = (model: string): Adapter => {
    const store = this;
    return {
      async upsert(id, payload, expiresIn) {
        store.set(model, id, payload, expiresIn);
      },
      async find(id) {
        return store.get(model, id);
      },
      async findByUid(uid) {
        return store.list(model).find((e) => e.payload.uid === uid)?.payload;
      },
      async findByUserCode(userCode) {
        return store.list(model).find((e) => e.payload.userCode === userCode)?.payload;
      },
      async consume(id) {
        const payload = store.get(model, id);
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(model, id);
      },
      async revokeByGrantId(grantId) {
        for (const { id, payload } of store.list(model)) {
          if (payload.grantId === grantId) store.delete(model, id);
        }
      },
    };
  };
}
