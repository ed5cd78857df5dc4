import { mkdir, writeFile } from 'node:fs/promises';
import { bundleWorkflows } from '../src/worker';

/**
 * `pnpm build`, after tsup: the workflow code bundled once (webpack, Temporal's bundler) into
 * dist/workflow-bundle.js, so the built worker starts without bundling and without the sources.
 */
const { code } = await bundleWorkflows();
const out = new URL('../dist/', import.meta.url);
await mkdir(out, { recursive: true });
await writeFile(new URL('workflow-bundle.js', out), code);
console.log(`workflow bundle: dist/workflow-bundle.js (${Math.round(code.length / 1024)} KiB)`);
