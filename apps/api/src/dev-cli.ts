import { loadDevEnv } from '@latchkey/devstack/dev-env';

// `pnpm latchkey ...` in development: the dev stack's addresses and local master key first,
// then the same CLI production runs (dist/cli.js). Not part of the build.
loadDevEnv();
await import('./cli');
