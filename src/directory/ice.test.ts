import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iceWithCheckDigits, isValidIce } from './ice.ts';

describe('isValidIce', () => {
  it.each([
    ['001234567000062', true], // 1234567000062 is divisible by 97
    ['000000000000000', true],
    ['001234567000063', false],
    ['00123456700006', false], // 14 digits
    ['0012345670000620', false], // 16 digits
    ['00123456700006a', false],
    [' 01234567000062', false],
    ['', false],
  ])('%j → %s', (ice, valid) => {
    expect(isValidIce(ice)).toBe(valid);
  });

  it('accepts every number completed with its check digits, and rejects a changed digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{13}$/), fc.integer({ min: 0, max: 14 }), (base, position) => {
        const ice = iceWithCheckDigits(base);
        expect(isValidIce(ice)).toBe(true);
        const digit = Number(ice[position]);
        const changed = `${ice.slice(0, position)}${(digit + 1) % 10}${ice.slice(position + 1)}`;
        expect(isValidIce(changed)).toBe(false);
      }),
    );
  });
});
