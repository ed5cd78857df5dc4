import type { Options } from 'tsup';

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}
export declare function packageName(specifier: string): string;
export declare function declaredDependenciesOnly(
  manifest: Manifest,
): NonNullable<Options['esbuildPlugins']>[number];
export declare function appBuild(manifest: Manifest, options?: Options): Options;
