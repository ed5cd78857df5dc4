import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './dev-env';

const run = promisify(execFile);

/** The apps `pnpm build` compiles, by folder, and their packages' names for turbo's filter. */
export const BUILT_APPS = {
  api: '@latchkey/api-server',
  worker: '@latchkey/worker',
  mcp: '@latchkey/mcp',
  web: '@latchkey/web',
} as const;
export type BuiltApp = keyof typeof BUILT_APPS;

/**
 * Builds the given apps (and what they depend on) through turbo, as `pnpm build` does. Turbo's
 * cache makes this about a second when nothing changed, which is the case under `pnpm test`
 * (it builds first); a targeted `vitest run` on a fresh clone builds here.
 */
export async function buildApps(apps: BuiltApp[]): Promise<void> {
  const filters = apps.map((app) => `--filter=${BUILT_APPS[app]}`);
  const turbo = path.join(REPO_ROOT, 'node_modules/turbo/bin/turbo');
  await run(turbo, ['run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The built entry point of an app: `node apps/<app>/dist/<entry>.js`. */
export function builtEntry(app: BuiltApp, entry = 'main'): string {
  const file = path.join(REPO_ROOT, 'apps', app, 'dist', `${entry}.js`);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`pnpm build\` first`);
  return file;
}

export interface BuiltProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when a line matches (or rejects when the process exits or time runs out). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM (or another signal), then the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | NodeJS.Signals>;
}

/**
 * Starts a built app as production runs it: plain `node dist/<entry>.js`, no tsx, with only
 * the environment given here (plus PATH), so nothing leaks in from the test run's own.
 */
export function startBuiltApp(
  app: BuiltApp,
  options: { env: Record<string, string>; entry?: string; args?: string[] },
): BuiltProcess {
  const child = spawn(process.execPath, [builtEntry(app, options.entry), ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? code ?? 0);
      for (const listener of listeners) listener();
    });
  });

  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = text.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) return done(() => resolve(line));
          if (child.exitCode !== null || child.signalCode !== null) {
            return done(() =>
              reject(new Error(`${app} exited before ${pattern} appeared:\n${text.slice(-4000)}`)),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(`${app}: no ${pattern} within ${timeoutMs} ms:\n${text.slice(-4000)}`),
              ),
            ),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
