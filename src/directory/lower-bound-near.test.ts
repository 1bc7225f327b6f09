import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBoundNear } from './compact-directory.ts';
import { lowerBound } from './compact-format.ts';

// The compact index's searches start from a guess (a hash's share of 2³², a domain's share of
// all domains); a bad guess may cost time, never a wrong answer.

describe('lowerBoundNear', () => {
  it('finds what lowerBound finds, from any guess, with repeated keys and keys outside the table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
        fc.integer({ min: -1, max: 41 }),
        fc.integer({ min: -5, max: 70 }),
        (values, key, guess) => {
          const sorted = Uint32Array.from(values.sort((a, b) => a - b));
          expect(lowerBoundNear(sorted, Math.max(key, 0), guess)).toBe(lowerBound(sorted, Math.max(key, 0)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
