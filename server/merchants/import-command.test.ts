import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';
import { listAudit } from '../db/audit-log.ts';
import { openRegistry } from '../db/database.ts';
import { keepHeapNearLiveSize } from '../heap-growth.ts';

// `thiqa import` as an operator runs it, then publish and check: what the shopper ends up
// seeing for the rows imported. PGlite in a fresh data folder, as service-commands.test.ts.

// V8's flag is process-wide: here it is only watched, so the other test files' heaps keep theirs.
vi.mock('../heap-growth.ts', () => ({ keepHeapNearLiveSize: vi.fn() }));

const cli = thiqaCli;

const currentDataDir = freshDataDirForEachTest('thiqa-import-');

async function csvFile(name: string, lines: string[]): Promise<string> {
  const file = join(currentDataDir(), name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

const HEADER = 'domains;legal_name;ice;city;phone;status;verified_at;verified_by;labels';

describe('thiqa import, publish and check', () => {
  it('keeps its heap near its live size while it reads the file (a 52 MB file peaked at 703 MB, now 355 MB)', async () => {
    const file = await csvFile('one.csv', [
      HEADER,
      'petit-souk.test;Petit Souk SARL;003000000000044;Rabat;0537000000;verified;2026-06-01;FDEC;',
    ]);
    vi.mocked(keepHeapNearLiveSize).mockClear();
    expect((await cli('import', file)).code).toBe(0);
    // The figure itself is the import bench's (npm run bench -- --only import): never a timed test.
    expect(keepHeapNearLiveSize).toHaveBeenCalledTimes(1);
  });

  it('lists a merchant whose label expired before its verification, with caution (label-expired)', async () => {
    expect((await cli('keys', 'generate')).code).toBe(0);
    const file = await csvFile('labels.csv', [
      HEADER,
      'vieux-label.test;Vieux Label SARL;003000000000044;Rabat;0537000000;verified;2026-06-01;FDEC;e-thiq@2025-01-31',
    ]);
    const imported = await cli('import', file);
    expect(imported.stdout).toContain('imported. 1 rows: 1 new');
    expect(imported.code).toBe(0);
    expect((await cli('publish')).stdout).toContain('published version 1');

    const directory = join(currentDataDir(), 'public', 'v1', 'directory');
    const check = await cli('check', 'vieux-label.test', '--directory', directory, '--at', '2026-12-01T12:00:00Z');
    const answer = JSON.parse(check.stdout);
    expect(answer.verdict).toEqual({
      level: 'caution',
      reasons: [
        { code: 'label-expired', kind: 'e-thiq', validUntil: '2025-01-31' },
        { code: 'merchant-verified', verifiedAt: '2026-06-01', methods: ['commercial-register'] },
      ],
    });
    expect(answer.merchant.labels).toEqual([
      { kind: 'e-thiq', issuer: 'Label e-thiq', reference: null, issued: null, validUntil: '2025-01-31' },
    ]);
  }, 60_000);

  it('shows a conflict in the dry run with both records, refuses it, and takes it only with --accept-conflicts', async () => {
    const before = await csvFile('before.csv', [
      HEADER,
      'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537112233;suspended;2026-05-02;FDEC;',
    ]);
    expect((await cli('import', before)).code).toBe(0);
    const file = await csvFile('after.csv', [
      HEADER,
      'hanout-bio.test;Hanout Nouveau SARL;002345678000031;Rabat;0537112233;verified;2026-05-02;FDEC;',
    ]);
    const conflictLines = [
      `${file}:2: legal-entity-change: merchant hanout-bio holds hanout-bio.test: its legal entity would change from ICE 001520003000037 (Hanout Bio SARL) to ICE 002345678000031 (Hanout Nouveau SARL)`,
      '  registry: hanout-bio: ICE 001520003000037, Hanout Bio SARL, suspended, hanout-bio.test',
      '  file line 2: ICE 002345678000031, Hanout Nouveau SARL, verified, hanout-bio.test',
      `${file}:2: reinstatement: merchant hanout-bio (ICE 001520003000037) would go from suspended to verified`,
      '  registry: hanout-bio: ICE 001520003000037, Hanout Bio SARL, suspended, hanout-bio.test',
      '  file line 2: ICE 002345678000031, Hanout Nouveau SARL, verified, hanout-bio.test',
    ];
    const dry = await cli('import', file, '--dry-run');
    expect(dry).toMatchObject({ code: 1, stderr: '' });
    expect(dry.stdout.split('\n')).toEqual([
      'conflicts (refused; --accept-conflicts imports them):',
      ...conflictLines,
      'dry run, nothing written. 1 rows: 0 new, 0 updated, 0 unchanged, 0 bad, 1 in conflict',
    ]);
    const refused = await cli('import', file);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'nothing imported (all or nothing; --partial imports the good rows). 1 rows: 0 new, 0 updated, 0 unchanged, 0 bad, 1 in conflict',
    );
    expect((await cli('import', file, '--partial')).stdout).toContain('imported. 1 rows: 0 new, 0 updated');

    const accepted = await cli('import', file, '--accept-conflicts', '--as', 'amina');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout.split('\n')).toEqual([
      'conflicts (accepted with --accept-conflicts, recorded in the audit log):',
      ...conflictLines,
      'imported. 1 rows: 0 new, 1 updated, 0 unchanged, 0 bad, 2 conflicts accepted',
    ]);
    const registry = await openRegistry({ pgliteDir: join(currentDataDir(), 'db') });
    const audit = await listAudit(registry.db, 20).finally(() => registry.close());
    const from = {
      merchant: 'hanout-bio',
      legalName: 'Hanout Bio SARL',
      ice: '001520003000037',
      status: 'suspended',
      domains: ['hanout-bio.test'],
    };
    const to = { ...from, legalName: 'Hanout Nouveau SARL', ice: '002345678000031', status: 'verified' };
    expect(audit.filter((entry) => entry.action === 'merchants.import-conflict')).toEqual(
      ['reinstatement', 'legal-entity-change'].map((kind) => ({
        at: expect.any(String),
        actor: 'amina (cli)',
        action: 'merchants.import-conflict',
        subject: 'hanout-bio',
        detail: { kind, line: 2, domains: kind === 'reinstatement' ? [] : ['hanout-bio.test'], from, to },
      })),
    );
  }, 60_000);

  it('names --accept-conflicts in its help', async () => {
    const help = await cli('import', '--help');
    expect(help.stdout).toContain(
      '--accept-conflicts  import conflicting rows too; the audit log records each conflict',
    );
    // Its own help, not every command's.
    expect(help.stdout).not.toContain('thiqa serve');
  });
});
