#!/usr/bin/env node
// The `thiqa` command runs the TypeScript sources directly (through tsx), so it works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/run.ts');
