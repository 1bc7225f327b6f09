#!/usr/bin/env node
// npm's postinstall: WXT writes the extension's generated types (.wxt/) for tsc and
// editors. WXT is a development tool: a publisher who deploys the service with
// `npm ci --omit=dev` has none, and needs none, so the step is skipped there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const wxt = join(root, 'node_modules', '.bin', 'wxt');
if (!existsSync(wxt)) process.exit(0);
const run = spawnSync(wxt, ['prepare'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
