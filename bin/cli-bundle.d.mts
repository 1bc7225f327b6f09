// Types of cli-bundle.mjs, for the tests that import it.
export declare const CLI_SOURCE: string;
export declare const BUNDLE_CACHE: string;
export declare function bundleCli(source?: string): Promise<Uint8Array>;
export declare function removeAbandonedRuns(cache?: string): void;
export declare function writeRunBundle(code: Uint8Array, cache?: string): URL;
export declare function runCli(options?: { source?: string; cache?: string }): Promise<'bundle' | 'tsx'>;
