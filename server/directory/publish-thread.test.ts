import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISH_WORKER_FROM, publishRunsIn } from './publish-thread.ts';

// Small registries are built in the publisher's thread, large ones in the worker; tests of
// the worker ask for it whatever the size (the golden is published both ways).

describe('where a publish is built', () => {
  it('builds below THIQA_PUBLISH_WORKER_FROM merchants in process and from it on in the worker', () => {
    expect(publishRunsIn(DEFAULT_PUBLISH_WORKER_FROM - 1, {}, {})).toBe('in-process');
    expect(publishRunsIn(DEFAULT_PUBLISH_WORKER_FROM, {}, {})).toBe('worker');
    expect(publishRunsIn(0, {}, { THIQA_PUBLISH_WORKER_FROM: '0' })).toBe('worker');
    expect(publishRunsIn(4_999, {}, { THIQA_PUBLISH_WORKER_FROM: '5000' })).toBe('in-process');
  });

  it('sends a worker with memory limits, or one asked for, to the worker whatever the size', () => {
    expect(publishRunsIn(1, { resourceLimits: { maxOldGenerationSizeMb: 2 } }, {})).toBe('worker');
    expect(publishRunsIn(1, { run: 'worker' }, {})).toBe('worker');
    expect(publishRunsIn(1_000_000, { run: 'in-process' }, {})).toBe('in-process');
  });

  it('refuses a size that is not a whole number of merchants, naming the variable', () => {
    for (const text of ['-1', '1.5', 'many']) {
      expect(() => publishRunsIn(1, {}, { THIQA_PUBLISH_WORKER_FROM: text })).toThrow(
        /THIQA_PUBLISH_WORKER_FROM must be/,
      );
    }
  });
});
