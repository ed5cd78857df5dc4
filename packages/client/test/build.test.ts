import { execFile } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceRoot = resolve(packageDir, '../..');
const tsc = join(workspaceRoot, 'node_modules/.bin/tsc');
const fixtures = join(packageDir, 'test/consumer');

/** Server-side modules the published declarations must never name. */
const SERVER_ONLY_MODULES = ['kysely', 'pino', '@temporalio/client'];

interface TscResult {
  code: number;
  errors: string[];
}

async function typecheck(dir: string, file: string, skipLibCheck: boolean): Promise<TscResult> {
  const config = join(dir, `tsconfig.${file}.${skipLibCheck}.json`);
  const compilerOptions = {
    strict: true,
    skipLibCheck,
    noEmit: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: ['node'],
  };
  await writeFile(config, JSON.stringify({ compilerOptions, files: [file] }));
  try {
    await run(tsc, ['-p', config], { cwd: dir });
    return { code: 0, errors: [] };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, errors: stdout.split('\n').filter((line) => /error TS\d+/.test(line)) };
  }
}

/**
 * Builds and packs the package, then installs the tarball into a throwaway Node project outside
 * the workspace (offline: @trpc/* are linked from the workspace) and uses it from JS and TS.
 */
describe('the packed package in a plain Node project', () => {
  let work = '';
  let consumer = '';
  let tarball = '';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'latchkey-client-pack-'));
    // `prepack` runs the build script (tsup), so packing always ships a fresh dist.
    const started = Date.now();
    await run('pnpm', ['pack', '--pack-destination', work], { cwd: packageDir });
    const built = await stat(join(packageDir, 'dist/index.d.ts'));
    if (built.mtimeMs < started - 1000) throw new Error('pnpm pack did not rebuild dist (prepack)');
    const packed = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!packed) throw new Error(`pnpm pack wrote no tarball into ${work}`);
    tarball = join(work, packed);

    consumer = join(work, 'consumer');
    const installed = join(consumer, 'node_modules/@latchkey/client');
    await mkdir(installed, { recursive: true });
    await mkdir(join(consumer, 'node_modules/@trpc'), { recursive: true });
    await mkdir(join(consumer, 'node_modules/@types'), { recursive: true });
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ type: 'module', private: true }),
    );
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const name of ['@trpc/client', '@trpc/server', '@types/node', 'zod']) {
      const target = await realpath(join(packageDir, 'node_modules', name));
      await symlink(target, join(consumer, 'node_modules', name), 'dir');
    }
    for (const file of ['ok.ts', 'bad.ts', 'run.mjs']) {
      await writeFile(join(consumer, file), await readFile(join(fixtures, file)));
    }
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs dist only, with a manifest pointing at it', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/index.d.ts',
        'package/dist/index.js',
        'package/package.json',
      ]),
    );
    expect(files.filter((f) => f.includes('/src/') || f.includes('/test/'))).toEqual([]);
    const manifest = JSON.parse(
      await readFile(join(consumer, 'node_modules/@latchkey/client/package.json'), 'utf8'),
    );
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
    });
    expect(manifest.types).toBe('./dist/index.d.ts');
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
      'zod',
    ]);
    expect(JSON.stringify(manifest.dependencies)).not.toMatch(/workspace:|catalog:/);
  });

  it('ships a d.ts with the router types inlined and no import of a workspace package', async () => {
    const dts = await readFile(
      join(consumer, 'node_modules/@latchkey/client/dist/index.d.ts'),
      'utf8',
    );
    expect(dts).toContain('declare class LatchkeyClient');
    expect(dts).toMatch(/declare const appRouter/);
    expect(dts).not.toMatch(/from ['"]@latchkey\//);
    const js = await readFile(
      join(consumer, 'node_modules/@latchkey/client/dist/index.js'),
      'utf8',
    );
    const imports = [...js.matchAll(/from ['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect([...new Set(imports)]).toEqual(['@trpc/client']);
  });

  it('imports and runs from JavaScript', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-e', "import('@latchkey/client').then(m => console.log(typeof m.LatchkeyClient))"],
      { cwd: consumer },
    );
    expect(stdout.trim()).toBe('function');

    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    const result = await run(process.execPath, ['run.mjs', `http://127.0.0.1:${port}`], {
      cwd: consumer,
    });
    expect(JSON.parse(result.stdout)).toEqual({
      client: 'function',
      url: `http://127.0.0.1:${port}/trpc`,
      isLatchkeyError: true,
      code: 'NETWORK_ERROR',
    });
  });

  it('type-checks a strict consumer with precise procedure types (skipLibCheck)', async () => {
    const result = await typecheck(consumer, 'ok.ts', true);
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('rejects a wrong input type in the consumer', async () => {
    const result = await typecheck(consumer, 'bad.ts', true);
    expect(result.code).not.toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(
      /^bad\.ts\(4,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });

  it('type-checks without skipLibCheck: the router names no server-only module', async () => {
    const result = await typecheck(consumer, 'ok.ts', false);
    expect(result.errors).toEqual([]);
    const declarations = await readFile(join(packageDir, 'dist/index.d.ts'), 'utf8');
    for (const name of SERVER_ONLY_MODULES) expect(declarations).not.toContain(`'${name}'`);
  });
}, 180_000);
