#!/usr/bin/env node
// `npm run demo`: the product on the embedded default. Like the `thiqa` command it runs
// the TypeScript sources through tsx; it lives outside the service because it builds
// the extension and drives Chromium, which a deployed service never does.
import { register } from 'tsx/esm/api';

register();
const { DEMO_HELP, runDemo } = await import('./demo.ts');
const { runCommand } = await import('../../server/cli/main.ts');
process.exitCode = await runCommand(runDemo, DEMO_HELP, process.argv.slice(2));
