import type { CredentialMap } from '@latchkey/credential-mapper';
import { type DbExecutor, findRunKey, insertRunKey } from '@latchkey/db';
import {
  newEphemeralKey,
  openEphemeral,
  runKeyContext,
  sealEphemeral,
  type Vault,
  wipe,
} from '@latchkey/vault';

/**
 * Runtime credentials live only as long as their run. They are sealed with a key made for
 * that run; the key is kept (sealed by the tenant key) in `run_keys` and deleted when the
 * run ends (by `finishRunRow`, in the statement that records the end), after which every
 * copy of the sealed credentials, including those in Temporal's history, can no longer be
 * opened.
 */
export interface RuntimeCredentialDeps {
  db: DbExecutor;
  vault: Pick<Vault, 'seal' | 'open'>;
}

export class RunKeyGoneError extends Error {
  override readonly name = 'RunKeyGoneError';
  constructor(readonly runId: string) {
    super(`the runtime credentials of run ${runId} are gone: the run has ended`);
  }
}

const associatedData = (tenantId: string, runId: string) =>
  `latchkey:run-credentials:${tenantId}:${runId}`;

/** Seals runtime credentials for one run; returns base64 safe to put in a workflow input. */
export async function sealRuntimeCredentials(
  deps: RuntimeCredentialDeps,
  input: { tenantId: string; runId: string; credentials: CredentialMap },
): Promise<string> {
  const key = newEphemeralKey();
  try {
    const sealedKey = await deps.vault.seal(runKeyContext(input.tenantId, input.runId), key);
    await insertRunKey(deps.db, {
      runId: input.runId,
      tenantId: input.tenantId,
      encryptedKey: sealedKey,
    });
    const sealed = sealEphemeral(
      key,
      JSON.stringify(input.credentials),
      associatedData(input.tenantId, input.runId),
    );
    return sealed.toString('base64');
  } finally {
    wipe(key);
  }
}

export async function openRuntimeCredentials(
  deps: RuntimeCredentialDeps,
  input: { tenantId: string; runId: string; sealed: string },
): Promise<CredentialMap> {
  const row = await findRunKey(deps.db, input.tenantId, input.runId);
  if (!row) throw new RunKeyGoneError(input.runId);
  const key = await deps.vault.open(runKeyContext(input.tenantId, input.runId), row.encrypted_key);
  try {
    const plaintext = openEphemeral(
      key,
      Buffer.from(input.sealed, 'base64'),
      associatedData(input.tenantId, input.runId),
    );
    return JSON.parse(plaintext) as CredentialMap;
  } finally {
    wipe(key);
  }
}
