import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type AppName = 'api' | 'worker';

/**
 * How a test starts an app's process: the one place to switch between built JavaScript
 * (`node apps/<app>/dist/main.js`, what production runs; build first with `buildApps`) and
 * TypeScript source through tsx.
 */
export function appCommand(app: AppName, options: { built?: boolean } = {}): string[] {
  if (options.built) {
    const built = path.join(ROOT, 'apps', app, 'dist', 'main.js');
    if (!existsSync(built)) throw new Error(`${built} does not exist: run \`pnpm build\` first`);
    return [built];
  }
  return ['--import', 'tsx', path.join(ROOT, 'apps', app, 'src', 'main.ts')];
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

/** Starts an app in its own process with exactly `env` (plus PATH): no inherited settings. */
export function spawnApp(
  app: AppName,
  env: Record<string, string>,
  options: { name?: string; built?: boolean } = {},
): AppProcess {
  const child = spawn(process.execPath, appCommand(app, options), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  let size = 0;
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString('utf8'));
    size += chunk.length;
    // Keep the last ~2 MB: enough to search for secrets and to explain a failure.
    while (size > 2_000_000 && chunks.length > 1) size -= (chunks.shift() as string).length;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    });
  });
  return {
    name: options.name ?? app,
    child,
    output: () => chunks.join(''),
    exited,
    running: () => !ended,
  };
}

/** Polls `url` until it answers 200; fails with the process's output if it dies or times out. */
export async function waitUntilReady(proc: AppProcess, url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running()) {
      throw new Error(`${proc.name} exited before it was ready:\n${proc.output().slice(-4_000)}`);
    }
    const status = await fetch(url, { signal: AbortSignal.timeout(3_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name} not ready at ${url} (last ${status}):\n${proc.output().slice(-4_000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The log line each app writes once it listens, and the field that holds its address. */
const LISTENING = {
  api: { msg: 'api listening', field: 'url' },
  worker: { msg: 'worker polling', field: 'http' },
} as const;

/**
 * The origin (`http://127.0.0.1:<port>`) a process reports in its start-up line (level info).
 * Started with `PORT=0` / `LATCHKEY_WORKER_HTTP_PORT=0`, a process binds a port the system
 * chooses and says which: no port is picked in advance that another process could take first.
 */
export async function listeningOrigin(
  proc: AppProcess,
  app: AppName,
  timeoutMs = 120_000,
): Promise<string> {
  const { msg, field } = LISTENING[app];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of proc.output().split('\n')) {
      if (!line.includes(`"${msg}"`)) continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg && typeof entry[field] === 'string') {
        return new URL(entry[field] as string).origin;
      }
    }
    if (!proc.running()) {
      throw new Error(`${proc.name} exited before it listened:\n${proc.output().slice(-4_000)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} did not say where it listens:\n${proc.output().slice(-4_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a process politely, then not: for test clean-up. */
export async function stopApp(proc: AppProcess, graceMs = 10_000) {
  if (!proc.running()) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}
