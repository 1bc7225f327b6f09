import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { PUBLISH_WORKER, PUBLISH_WORKER_TSX } from './directory/publish-thread.ts';
import { entryOrTsx, workerEntry } from './worker-bundle.ts';

// The publish and import workers run from one bundled JavaScript file (worker-bundle.ts);
// publish-golden.test.ts checks that what the publish worker builds is byte for byte what
// it was, the admin API's import tests go through the import worker.

describe('a worker’s bundle', () => {
  it('is made once a process, in a folder only this user can write, and is not the tsx entry', async () => {
    const entry = await workerEntry(PUBLISH_WORKER, PUBLISH_WORKER_TSX);
    expect(entry.href).not.toBe(PUBLISH_WORKER_TSX.href);
    const file = fileURLToPath(entry);
    expect(file.endsWith('.mjs')).toBe(true);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect((await workerEntry(PUBLISH_WORKER, PUBLISH_WORKER_TSX)).href).toBe(entry.href);
  });

  it('falls back to the worker through tsx, and says so, when bundling fails', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const entry = await entryOrTsx(async () => {
        throw new Error('esbuild is not installed');
      }, PUBLISH_WORKER_TSX);
      expect(entry.href).toBe(PUBLISH_WORKER_TSX.href);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(
        /publish-worker-entry\.mjs runs through tsx.*esbuild is not installed/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
