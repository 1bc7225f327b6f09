import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thiqaCli as cli, freshDataDirForEachTest } from '../../test/support/thiqa-cli.ts';
import { withServiceContext } from '../cli/service-session.ts';

// `thiqa reports accept --for-merchant`, `thiqa complaints deadlines` and `thiqa complaints
// close --outcome`, as a shell runs them, on a fresh data folder.

const currentDataDir = freshDataDirForEachTest('thiqa-complaints-');

const CSV = [
  'domains;legal_name;ice;city;phone;email;status;verified_at;verified_by;labels',
  'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537-11 22 33;contact@hanout-bio.test;verified;2026-05-02;FDEC;',
  '',
].join('\r\n');

describe('the complaint commands', () => {
  // Each command opens the database afresh: slow on a busy machine.
  it('send an accepted complaint to its merchant, remind on the deadline, and close it as unfounded', {
    timeout: 90_000,
  }, async () => {
    const file = join(currentDataDir(), 'merchants.csv');
    await writeFile(file, CSV);
    expect((await cli('import', file)).code).toBe(0);
    const { receipt } = await withServiceContext((context) =>
      context.reports.submit({ url: 'https://hanout-bio.test/', reason: 'non-delivery', idempotencyKey: randomUUID() }),
    );

    const accepted = await cli(
      'reports',
      'accept',
      receipt,
      '--category',
      'non-delivery',
      '--for-merchant',
      'Commande payée, jamais livrée.',
    );
    expect(accepted).toMatchObject({ code: 0 });
    expect(accepted.stdout).toContain('complaint 1 (non-delivery) open on hanout-bio.test; sent to the merchant');

    // Sent eight days ago: the first reminder is due.
    await withServiceContext((context) =>
      context.db
        .updateTable('complaints')
        .set({ sent_at: new Date(Date.now() - 8 * 86_400_000) })
        .where('id', '=', 1)
        .execute(),
    );
    expect((await cli('complaints', 'deadlines')).stdout).toBe(
      'complaint deadlines: 1 reminded [1 (reminder 1)]; 0 closed as unanswered',
    );

    expect(await cli('complaints', 'close', '1', '--outcome', 'maybe')).toMatchObject({
      code: 2,
      stderr: 'thiqa: --outcome: one of resolved, unfounded',
    });
    const closed = await cli('complaints', 'close', '1', '--outcome', 'unfounded', '--note', 'Domaine vendu.');
    expect(closed).toMatchObject({ code: 0, stdout: 'complaint 1 on hanout-bio.test: closed as unfounded' });
    expect((await cli('complaints', 'list', '--status', 'unfounded')).stdout).toMatch(
      /1 +unfounded +closed +non-delivery +hanout-bio.test/,
    );
  });
});
