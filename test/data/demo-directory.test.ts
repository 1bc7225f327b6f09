import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { describeSchemaError, labelKindSchema, snapshotSchema } from '../../src/directory/schemas.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';

// The bundled demo directory is what a fresh extension shows before its first sync, and
// what `thiqa check` uses by default: it must be valid, sorted and cover every case.

const raw = JSON.parse(readFileSync(new URL('../../public/directory/snapshot.json', import.meta.url), 'utf8'));
const parsed = snapshotSchema.safeParse(raw);

describe('bundled demo directory', () => {
  it('is schema-valid, sorted and unique', () => {
    expect(parsed.success ? '' : describeSchemaError(parsed.error, 'snapshot.json')).toBe('');
  });

  const snapshot = snapshotSchema.parse(raw);
  const index = new DirectoryIndex(snapshot.state);
  const allDomains = [
    ...snapshot.state.merchants.flatMap((merchant) => merchant.domains),
    ...snapshot.state.flagged.map((flag) => flag.domain),
    ...snapshot.state.domainComplaints.map((entry) => entry.domain),
  ];

  it('has each domain once', () => {
    expect(new Set(allDomains).size).toBe(allDomains.length);
  });

  it('uses only reserved or clearly invented names', () => {
    for (const domain of allDomains) expect(domain).toMatch(/\.test$|\.youcan\.(shop|store)$/);
  });

  it('covers every verdict level, every label kind and a platform shop', () => {
    const now = new Date(snapshot.publishedAt);
    const levels = new Set([...allDomains, 'not-listed.test'].map((d) => verdictForInput(d, index, now).verdict.level));
    expect([...levels].sort()).toEqual(['caution', 'danger', 'unknown', 'verified']);
    const kinds = new Set(snapshot.state.merchants.flatMap((merchant) => merchant.labels.map((label) => label.kind)));
    expect([...kinds].sort()).toEqual([...labelKindSchema.options].sort());
    expect(allDomains.some((domain) => domain.endsWith('.youcan.shop'))).toBe(true);
    expect(allDomains.some((domain) => domain.startsWith('xn--') || domain.includes('.xn--'))).toBe(true);
  });
});
