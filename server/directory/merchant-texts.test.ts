import { closeSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MerchantTexts, openScratchFile } from './merchant-texts.ts';

// The new version's merchants kept in a scratch file (merchant-texts.ts): what the snapshot,
// the digest and the deltas read back must be exactly the texts that went in, in key order.

let dir: string;
let fd: number;
let texts: MerchantTexts;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thiqa-merchant-texts-'));
  fd = openScratchFile(dir);
  texts = new MerchantTexts(fd);
});
afterEach(async () => {
  closeSync(fd);
  await rm(dir, { recursive: true, force: true });
});

const record = (id: string, name = `Shop ${id}`) => JSON.stringify({ id, name });
const joined = (merchants: MerchantTexts) => Buffer.concat([...merchants.bytes()]).toString('utf8');

describe('the merchants’ scratch file', () => {
  it('has no name in its folder, so a crashed publish leaves nothing behind', () => {
    texts.add('m-1', record('m-1'));
    texts.finish();
    expect(readdirSync(dir)).toEqual([]);
    expect(joined(texts)).toBe(record('m-1'));
  });

  it('gives back the texts joined by commas, Arabic and emoji whole, across chunks of a megabyte', () => {
    const big = 'متجر الأطلس 🛒 '.repeat(40_000); // about 700 KB of UTF-8 in one record
    const ids = Array.from({ length: 3_000 }, (_, i) => `m-${String(i).padStart(5, '0')}`);
    const all = ids.map((id, i) => record(id, i === 1_500 ? big : `متجر ${i}`));
    for (const [i, id] of ids.entries()) texts.add(id, all[i] as string);
    expect(texts.finish()).toBeUndefined();
    const chunks = [...texts.bytes()];
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(all.join(','));
    // Read into one buffer, each chunk taken before the next is read: the same bytes.
    const copied = [];
    for (const chunk of texts.bytes(true)) copied.push(Buffer.from(chunk));
    expect(Buffer.concat(copied).toString('utf8')).toBe(all.join(','));
  });

  it('puts records that arrived out of key order in key order (a database collation unlike JavaScript’s)', () => {
    for (const id of ['m-b', 'm-B', 'm-a', 'm-c']) texts.add(id, record(id));
    expect(texts.finish()).toBeUndefined();
    expect(joined(texts)).toBe(['m-B', 'm-a', 'm-b', 'm-c'].map((id) => record(id)).join(','));
    expect(texts.unmarked(new Uint8Array([0, 1, 0, 1]))).toEqual([record('m-B'), record('m-b')]);
  });

  it('names a key two records share, in or out of order', () => {
    for (const id of ['m-1', 'm-2', 'm-2']) texts.add(id, record(id));
    expect(texts.finish()).toBe('m-2');
    const otherFd = openScratchFile(dir);
    const other = new MerchantTexts(otherFd);
    for (const id of ['m-3', 'm-1', 'm-3']) other.add(id, record(id));
    expect(other.finish()).toBe('m-3');
    closeSync(otherFd);
  });

  it('finds a record by its exact text, and by key, for the deltas', () => {
    for (const id of ['m-1', 'm-2', 'm-3']) texts.add(id, record(id));
    texts.finish();
    expect(texts.indexOf(record('m-2'))).toBe(1);
    expect(texts.indexOf(record('m-2', 'Renamed'))).toBe(-1);
    expect(texts.indexOf(`${record('m-2')} `)).toBe(-1);
    expect(texts.hasKey('m-3')).toBe(true);
    expect(texts.hasKey('m-4')).toBe(false);
    expect(texts.keyOf({ id: 'm-9' })).toBe('m-9');
  });

  it('reads an empty set as an empty array body', () => {
    expect(texts.finish()).toBeUndefined();
    expect(joined(texts)).toBe('');
    expect(texts.size).toBe(0);
  });

  it('refuses to be used once released, and to take records after finishing', () => {
    texts.add('m-1', record('m-1'));
    texts.finish();
    expect(() => texts.add('m-2', record('m-2'))).toThrow(/after finish/);
    texts.release();
    expect(() => [...texts.bytes()]).toThrow(/after release/);
  });
});
