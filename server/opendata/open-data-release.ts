import { type Kysely, sql } from 'kysely';
import type { Merchant } from '../../src/directory/schemas.ts';
import { storedText } from '../db/stored-parts.ts';
import type { Database } from '../db/tables.ts';
import { answerRecordsByMerchant, complaintCountsByDomain } from '../directory/directory-state.ts';
import { openDataMerchantRow } from './open-data-merchant-row.ts';
import {
  type ComplaintsByMonthRow,
  type ContestRow,
  type MerchantRow,
  type ModerationRow,
  OPEN_DATA_FORMAT,
  type OpenDataRelease,
  openDataReleaseSchema,
  SUPPRESSION_THRESHOLD,
} from './open-data-schema.ts';

// Computes the open data of one publication from the registry, inside the publication's
// transaction (so the release counts exactly what the directory counts), and stores it.
// Only columns that hold dates, categories, statuses and ids are read: no person's text
// (details, contact, notes, answers, reasons) is ever selected, so none can leak out.

/** Releases kept for /v1/open-data/<version>/; older ones go (the latest is what most read). */
export const KEPT_RELEASES = 30;

const DAY_MS = 86_400_000;
/** What a merchants piece's place holds once it was read (releaseTextWith). */
const LET_GO = new Uint8Array(0);

function monthOf(value: Date | string): string {
  return new Date(value).toISOString().slice(0, 7);
}

function suppress(count: number): number | null {
  return count > 0 && count < SUPPRESSION_THRESHOLD ? null : count;
}

/**
 * The published cells of a row whose `total` counts at least the sum of its `parts` (the
 * rest still pending). Hiding the small cells alone is not enough: with the total and the
 * other parts published, subtraction gives a hidden part back (received − accepted −
 * withdrawn = rejected once every report is decided), and two hidden parts whose sum is
 * known can be 1 and 1. So when a part is hidden the total is hidden too; and when only
 * one part is, the smallest other non-zero part is hidden with it, so that a total known
 * some other way (an earlier release, where it stood alone) still leaves two unknowns.
 */
export function suppressRow<K extends string>(
  counts: Readonly<Record<K, number>>,
  total: K,
  parts: readonly K[],
): Record<K, number | null> {
  const cells = {} as Record<K, number | null>;
  for (const key of [total, ...parts]) cells[key] = suppress(counts[key]);
  const hidden = parts.filter((part) => cells[part] === null);
  if (hidden.length === 0) return cells;
  cells[total] = null;
  if (hidden.length === 1) {
    const next = parts
      .filter((part) => cells[part] !== null && counts[part] > 0)
      .sort((a, b) => counts[a] - counts[b])[0];
    if (next !== undefined) cells[next] = null;
  }
  return cells;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

function daysBetween(from: Date | string, to: Date | string): number {
  return Math.max(0, (new Date(to).getTime() - new Date(from).getTime()) / DAY_MS);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Adds one to a named counter of a row kept in a map, creating the row at zero. */
function tally<T extends Record<string, number>>(rows: Map<string, T>, key: string, fresh: () => T, field: keyof T) {
  const row = rows.get(key) ?? fresh();
  row[field] = ((row[field] as number) + 1) as T[keyof T];
  rows.set(key, row);
}

async function complaintsByMonth(db: Kysely<Database>): Promise<ComplaintsByMonthRow[]> {
  const rows = await db.selectFrom('complaints').select(['opened_at', 'category', 'status']).execute();
  type Counts = { opened: number; resolved: number; unanswered: number; unfounded: number };
  const fresh = (): Counts => ({ opened: 0, resolved: 0, unanswered: 0, unfounded: 0 });
  const cells = new Map<string, Counts>();
  for (const row of rows) {
    const key = `${monthOf(row.opened_at)} ${row.category}`;
    tally(cells, key, fresh, 'opened');
    if (row.status === 'resolved' || row.status === 'unanswered' || row.status === 'unfounded') {
      tally(cells, key, fresh, row.status);
    }
  }
  return [...cells.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, counts]) => {
      const [month = '', category = ''] = key.split(' ');
      return {
        month,
        category: category as ComplaintsByMonthRow['category'],
        ...suppressRow(counts, 'opened', ['resolved', 'unanswered', 'unfounded']),
      };
    });
}

/**
 * Every merchant of the registry (all of them are in the published directory), exact:
 * the directory already publishes these counts per merchant, and they are counted by the
 * very functions the directory is built with (open and resolved on its domains; sent,
 * answered and the median over the complaints sent to it, not closed as unfounded), so
 * the two can never disagree.
 */
async function merchants(db: Kysely<Database>): Promise<MerchantRow[]> {
  const records = await db.selectFrom('merchants').select(['id', 'record']).orderBy('id').execute();
  const counts = await complaintCountsByDomain(db);
  const answers = await answerRecordsByMerchant(db);
  return records.map((row) =>
    openDataMerchantRow(row.id, row.record as Pick<Merchant, 'legalName' | 'tradeNames' | 'domains'>, counts, answers),
  );
}

/**
 * Reports by the month they came in, and what became of them. The counts are made by the
 * database (the reports table grows with every report, and reading every row into the
 * publishing process held the service's thread for tens of milliseconds on PGlite); only
 * the decided reports are read, for the median time to a decision.
 */
async function moderation(db: Kysely<Database>): Promise<ModerationRow[]> {
  // Grouped by the month's first instant, formatted once a group (to_char on every row
  // took half as long again: 13.7 against 9.0 ms over 20,000 reports on PGlite).
  const counted = await sql<{ month: string; status: string; n: string }>`
    select to_char(first_day, 'YYYY-MM') as month, status, n
    from (
      select date_trunc('month', created_at at time zone 'UTC') as first_day, status, count(*) as n
      from reports group by 1, 2
    ) as months`
    .execute(db)
    .then((result) => result.rows);
  const decided = await db
    .selectFrom('reports')
    .select(['created_at', 'decided_at'])
    .where('status', 'in', ['accepted', 'rejected'])
    .where('decided_at', 'is not', null)
    .execute();
  type Counts = { received: number; accepted: number; rejected: number; withdrawn: number; decisionDays: number[] };
  const months = new Map<string, Counts>();
  const countsOf = (key: string) => {
    const counts = months.get(key) ?? { received: 0, accepted: 0, rejected: 0, withdrawn: 0, decisionDays: [] };
    months.set(key, counts);
    return counts;
  };
  for (const row of counted) {
    const counts = countsOf(row.month);
    const n = Number(row.n);
    counts.received += n;
    if (row.status === 'accepted' || row.status === 'rejected' || row.status === 'withdrawn') counts[row.status] += n;
  }
  for (const row of decided) {
    if (row.decided_at === null) continue;
    countsOf(monthOf(row.created_at)).decisionDays.push(daysBetween(row.created_at, row.decided_at));
  }
  return [...months.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([month, counts]) => ({
      month,
      ...suppressRow(counts, 'received', ['accepted', 'rejected', 'withdrawn']),
      // A median of fewer decisions than the threshold tells of one report's handling.
      medianDaysToDecision: counts.decisionDays.length < SUPPRESSION_THRESHOLD ? null : median(counts.decisionDays),
    }));
}

async function contests(db: Kysely<Database>): Promise<ContestRow[]> {
  const rows = await db
    .selectFrom('contests')
    .select(['kind', 'status', 'decided_at'])
    .where('status', 'in', ['upheld', 'dismissed'])
    .where('decided_at', 'is not', null)
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.decided_at === null) continue;
    const key = `${monthOf(row.decided_at)} ${row.kind} ${row.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, count]) => {
      const [month = '', kind = '', outcome = ''] = key.split(' ');
      return {
        month,
        kind: kind as ContestRow['kind'],
        outcome: outcome as ContestRow['outcome'],
        count: suppress(count),
      };
    });
}

/** The release of one publication, validated: a registry the schema refuses publishes nothing. */
export async function buildOpenDataRelease(
  db: Kysely<Database>,
  publication: { version: number; publishedAt: string },
): Promise<OpenDataRelease> {
  return openDataReleaseSchema.parse({
    ...(await releaseWithout(db, publication)),
    merchants: await merchants(db),
  });
}

/** Everything of a release but its merchants (the tables that are small). */
async function releaseWithout(db: Kysely<Database>, publication: { version: number; publishedAt: string }) {
  return {
    format: OPEN_DATA_FORMAT,
    formatVersion: 1,
    version: publication.version,
    publishedAt: publication.publishedAt,
    suppressionThreshold: SUPPRESSION_THRESHOLD,
    complaintsByMonth: await complaintsByMonth(db),
    moderation: await moderation(db),
    contests: await contests(db),
  };
}

/**
 * The release's text with its merchants table given as the JSON text of its validated
 * rows (the publish worker makes them): the same text JSON.stringify gives for the
 * release built from the database.
 */
async function releaseTextWith(
  db: Kysely<Database>,
  publication: { version: number; publishedAt: string },
  merchantsJson: Uint8Array[],
): Promise<Iterable<string>> {
  const release = openDataReleaseSchema.parse({ ...(await releaseWithout(db, publication)), merchants: [] });
  const before: string[] = [];
  const after: string[] = [];
  let into = before;
  for (const [key, value] of Object.entries(release)) {
    if (value === undefined) continue;
    into.push(`${into === before && into.length === 0 ? '{' : ','}${JSON.stringify(key)}:`);
    if (key === 'merchants') into = after;
    else into.push(JSON.stringify(value));
  }
  after.push('}');
  // The merchants' pieces are decoded one at a time, as the parts are written, and let go of:
  // the buffers behind them (25 MB at 100k merchants) are freed as the writing goes, not
  // held until the publish ends by whoever still holds the array.
  return (function* () {
    yield before.join('');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let i = 0; i < merchantsJson.length; i++) {
      const piece = merchantsJson[i] as Uint8Array;
      merchantsJson[i] = LET_GO;
      yield decoder.decode(piece);
    }
    yield after.join('');
  })();
}

/**
 * The release's text for a publication, made before its transaction (and written in parts:
 * server/db/stored-parts.ts), as pieces that joined are the text. A publish hands over its
 * merchants table (`merchantsJson`, UTF-8 pieces: see publication-build.ts), whose places are
 * emptied as the text is read; without it the table is read from the database.
 */
export async function openDataReleaseText(
  db: Kysely<Database>,
  publication: { version: number; publishedAt: string },
  merchantsJson?: Uint8Array[],
): Promise<Iterable<string>> {
  return merchantsJson === undefined
    ? [JSON.stringify(await buildOpenDataRelease(db, publication))]
    : releaseTextWith(db, publication, merchantsJson);
}

/**
 * Called inside the publication's transaction, after its row is inserted, with the parts
 * its text was written in: the release commits with the version or not at all. Keeps the
 * latest KEPT_RELEASES (their parts go with the next publish's removal of unnamed parts).
 */
export async function recordOpenDataRelease(
  trx: Kysely<Database>,
  publication: { version: number; publishedAt: string },
  releaseParts: string,
): Promise<void> {
  await trx
    .insertInto('open_data_releases')
    .values({
      version: publication.version,
      published_at: publication.publishedAt,
      release: null,
      release_parts: releaseParts,
    })
    .execute();
  await trx
    .deleteFrom('open_data_releases')
    .where('version', '<=', publication.version - KEPT_RELEASES)
    .execute();
}

/** A stored release, or undefined: `latest` or a version number. */
export async function storedOpenDataRelease(
  db: Kysely<Database>,
  version: number | 'latest',
): Promise<{ version: number; text: string } | undefined> {
  let query = db.selectFrom('open_data_releases').select(['version', 'release', 'release_parts']);
  query = version === 'latest' ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const text = await storedText(
    db,
    { text: row.release, parts: row.release_parts },
    `the open data release of version ${row.version}`,
  );
  return { version: row.version, text };
}
