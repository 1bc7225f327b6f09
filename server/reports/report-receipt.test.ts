import { describe, expect, it } from 'vitest';
import { receiptSchema } from '../../src/directory/report-contract.ts';
import { newReceipt } from './report-desk.ts';

describe('a new receipt', () => {
  it('is a valid receipt that a command line never reads as an option', () => {
    // Unfiltered, about 300 of 10,000 would start with `-` or `_`.
    const receipts = Array.from({ length: 10_000 }, newReceipt);
    expect(receipts.filter((receipt) => /^[-_]/.test(receipt))).toEqual([]);
    expect(receipts.every((receipt) => receiptSchema.safeParse(receipt).success)).toBe(true);
    expect(new Set(receipts).size).toBe(receipts.length);
  });
});
