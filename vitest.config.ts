import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'src/**/*.test.tsx',
            'server/**/*.test.tsx',
            'server/**/*.test.ts',
            'scripts/**/*.test.ts',
            'test/data/**/*.test.ts',
          ],
          // Timed against the clock: run alone, in the project below. A project's own
          // `exclude` replaces the command line's, so `npm test`'s second run on PostgreSQL
          // names what it leaves out in THIQA_TEST_EXCLUDE (comma-separated globs).
          exclude: [
            ...configDefaults.exclude,
            'server/http/connection-guard.test.ts',
            ...(process.env.THIQA_TEST_EXCLUDE?.split(',').filter(Boolean) ?? []),
          ],
          environment: 'node',
          // Service tests start PGlite (WebAssembly) and spawn the CLI, two files at a time
          // on two cores: that can pass vitest's 5 s default without anything being wrong.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Vitest's default is one worker fewer than the cores: one on CI's two, where the
          // CI log showed one core idle through every file's import and every database wait.
          // `npm test` runs the PostgreSQL pass with one (THIQA_UNIT_WORKERS) beside the browser tests.
          maxWorkers: Number(process.env.THIQA_UNIT_WORKERS ?? 2),
          // Before the timing project: projects with no group order run at the same time.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Asserts answers within a second while an attacker holds sockets: no other file
          // may share the cores with it.
          name: 'timing',
          include: ['server/http/connection-guard.test.ts'],
          environment: 'node',
          fileParallelism: false,
          // Only once every unit file has finished (without a group order, vitest runs the
          // projects side by side, and this file's one-second answers shared the cores).
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
