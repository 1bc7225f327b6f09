#!/usr/bin/env node
// The `thiqa` command runs the TypeScript sources directly, so it works right after
// `npm ci` with no build step: bundled by esbuild at each start (cli-bundle.mjs says why),
// or through tsx.
import { runCli } from './cli-bundle.mjs';

await runCli();
