import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `pnpm dev` keeps PostgreSQL data, Temporal state, the master key and dev.env. */
export function devDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LATCHKEY_DATA_DIR ?? path.join(REPO_ROOT, '.latchkey'));
}

/**
 * `pnpm dev` writes the addresses it chose to dev.env, so CLI commands run in another
 * terminal (`pnpm latchkey ...`, `pnpm db:migrate`) find the same services. Variables already
 * set win.
 */
export function loadDevEnv(env: NodeJS.ProcessEnv = process.env): void {
  const file = path.join(devDataDir(env), 'dev.env');
  if (existsSync(file)) process.loadEnvFile(file);
  const masterKeys = path.join(devDataDir(env), 'master-keys');
  if (!env.LATCHKEY_MASTER_KEYS && existsSync(masterKeys)) {
    env.LATCHKEY_MASTER_KEYS = readFileSync(masterKeys, 'utf8').trim();
  }
}
