// Types of cli-bundle.mjs, for the tests that import it.
export declare const CLI_SOURCE: string;
export declare const BUNDLE_CACHE: string;
export declare const WORKER_SOURCES: string[];
export declare const BUNDLED_WORKERS: unique symbol;
export interface Bundle {
  source: string;
  code: Uint8Array;
}
export declare function bundleModule(source: string, options: { inline: boolean }): Promise<Uint8Array>;
export declare function bundleCli(source?: string, workers?: string[]): Promise<Bundle[]>;
export declare function removeAbandonedRuns(cache?: string): void;
export declare function ownFolder(parent: string, prefix: string): string;
export declare function writeModule(dir: string, source: string, code: Uint8Array, name?: string): URL;
export declare function writeRunBundle(bundles: Bundle[], cache?: string): URL[];
export declare function runCli(options?: { source?: string; cache?: string }): Promise<'bundle' | 'tsx'>;
