import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { entryOrTsx, publishWorkerEntry, TSX_ENTRY } from './publish-worker-bundle.ts';

// The publish worker runs from one bundled JavaScript file (publish-worker-bundle.ts);
// publish-golden.test.ts checks that what it builds is byte for byte what it was.

describe('the publish worker’s bundle', () => {
  it('is made once a process, in a folder only this user can write, and is not the tsx entry', async () => {
    const entry = await publishWorkerEntry();
    expect(entry.href).not.toBe(TSX_ENTRY.href);
    const file = fileURLToPath(entry);
    expect(file.endsWith('.mjs')).toBe(true);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect((await publishWorkerEntry()).href).toBe(entry.href);
  });

  it('falls back to the worker through tsx, and says so, when bundling fails', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const entry = await entryOrTsx(async () => {
        throw new Error('esbuild is not installed');
      });
      expect(entry.href).toBe(TSX_ENTRY.href);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/runs through tsx.*esbuild is not installed/);
    } finally {
      stderr.mockRestore();
    }
  });
});
