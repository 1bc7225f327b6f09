import type { Kysely } from 'kysely';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { directoryDigest } from '../../src/directory/delta.ts';
import type {
  AnswerRecord,
  ComplaintCounts,
  DirectoryState,
  FlaggedDomain,
  Merchant,
} from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';
import { currentDirectoryState } from './directory-state.ts';
import { storedSnapshot } from './served-files.ts';

// What the next publication would change, for the console's publish page: the state the
// publisher would sign (currentDirectoryState, the publisher's own builder) against the
// latest published snapshot. The preview's version and digest travel in the publish form,
// and the publisher refuses them once the registry has moved on (PublishOptions.expected).

/** Fields a moderator edits; complaint counts and answer records are counted, and shown as such. */
export type MerchantField = Exclude<keyof Merchant, 'complaints' | 'answers'>;
export type FlagField = Exclude<keyof FlaggedDomain, 'domain'>;

export interface MerchantEntry {
  id: string;
  name: string;
}

export interface ComplaintChange {
  /** A merchant's id, or the domain of a shop that is not a merchant's. */
  key: string;
  kind: 'merchant' | 'domain';
  name: string;
  before: { open: number; resolved: number };
  after: { open: number; resolved: number };
  /** A merchant's answer record before and after (null: none sent), when it changed. */
  answers?: { before: AnswerRecord | null; after: AnswerRecord | null };
}

export interface PublicationPreview {
  /** Null before the first publication. */
  latest: { version: number; publishedAt: string } | null;
  nextVersion: number;
  /** The digest of the state the next version would carry. */
  digest: string;
  /** True when the next version would carry the latest one's state. */
  unchanged: boolean;
  /** The publication policy or the platform list differ (a new release of the service). */
  settingsChanged: boolean;
  merchants: {
    added: MerchantEntry[];
    removed: MerchantEntry[];
    changed: Array<MerchantEntry & { fields: MerchantField[] }>;
  };
  flags: {
    added: FlaggedDomain[];
    removed: FlaggedDomain[];
    changed: Array<FlaggedDomain & { fields: FlagField[] }>;
  };
  complaints: ComplaintChange[];
}

const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const merchantName = (merchant: Merchant) => merchant.tradeNames[0] ?? merchant.legalName;

function totals(counts: ComplaintCounts | undefined): { open: number; resolved: number } {
  const sum = (bucket: ComplaintCounts['open'] | undefined) =>
    Object.values(bucket ?? {}).reduce((total, count) => total + (count ?? 0), 0);
  return { open: sum(counts?.open), resolved: sum(counts?.resolved) };
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** The differences between two states, as the console shows them. */
export function compareStates(
  before: DirectoryState | null,
  after: DirectoryState,
): Omit<PublicationPreview, 'latest' | 'nextVersion' | 'digest' | 'unchanged'> {
  const oldMerchants = byKey(before?.merchants ?? [], (merchant) => merchant.id);
  const newMerchants = byKey(after.merchants, (merchant) => merchant.id);
  const merchants: PublicationPreview['merchants'] = { added: [], removed: [], changed: [] };
  const complaints: ComplaintChange[] = [];
  const countChange = (
    key: string,
    kind: ComplaintChange['kind'],
    name: string,
    was?: ComplaintCounts,
    now?: ComplaintCounts,
    answers?: { before: AnswerRecord | null; after: AnswerRecord | null },
  ) => {
    const countsSame = sameJson(was ?? { open: {}, resolved: {} }, now ?? { open: {}, resolved: {} });
    const answersChanged = answers !== undefined && !sameJson(answers.before, answers.after);
    if (countsSame && !answersChanged) return;
    complaints.push({
      key,
      kind,
      name,
      before: totals(was),
      after: totals(now),
      ...(answersChanged ? { answers } : {}),
    });
  };
  for (const [id, merchant] of newMerchants) {
    const old = oldMerchants.get(id);
    const entry = { id, name: merchantName(merchant) };
    if (!old) merchants.added.push(entry);
    else {
      // Both records' fields: an optional field the new record dropped is a change too.
      const keys = new Set([...Object.keys(old), ...Object.keys(merchant)] as Array<keyof Merchant>);
      const fields = [...keys].filter(
        (field): field is MerchantField =>
          field !== 'complaints' && field !== 'answers' && !sameJson(old[field] ?? null, merchant[field] ?? null),
      );
      if (fields.length > 0) merchants.changed.push({ ...entry, fields });
    }
    countChange(id, 'merchant', entry.name, old?.complaints, merchant.complaints, {
      before: old?.answers ?? null,
      after: merchant.answers ?? null,
    });
  }
  for (const [id, old] of oldMerchants) {
    if (!newMerchants.has(id)) merchants.removed.push({ id, name: merchantName(old) });
  }

  const oldFlags = byKey(before?.flagged ?? [], (flag) => flag.domain);
  const newFlags = byKey(after.flagged, (flag) => flag.domain);
  const flags: PublicationPreview['flags'] = { added: [], removed: [], changed: [] };
  for (const [domain, flag] of newFlags) {
    const old = oldFlags.get(domain);
    if (!old) flags.added.push(flag);
    else {
      const fields = (['reason', 'since', 'summary'] as const).filter((field) => old[field] !== flag[field]);
      if (fields.length > 0) flags.changed.push({ ...flag, fields });
    }
  }
  for (const [domain, flag] of oldFlags) if (!newFlags.has(domain)) flags.removed.push(flag);

  const oldDomains = byKey(before?.domainComplaints ?? [], (entry) => entry.domain);
  const newDomains = byKey(after.domainComplaints, (entry) => entry.domain);
  for (const domain of new Set([...oldDomains.keys(), ...newDomains.keys()])) {
    countChange(domain, 'domain', domain, oldDomains.get(domain)?.complaints, newDomains.get(domain)?.complaints);
  }
  complaints.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const settingsChanged =
    before !== null && (!sameJson(before.policy, after.policy) || !sameJson(before.platforms, after.platforms));
  return { settingsChanged, merchants, flags, complaints };
}

/** What publishing now would make of the registry, against the latest publication. */
export async function previewPublication(db: Kysely<Database>): Promise<PublicationPreview> {
  const state = await currentDirectoryState(db);
  const latest = await db
    .selectFrom('publications')
    .select(['version', 'published_at', 'digest'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Our own canonical JSON, validated when it was published.
  const published = latest ? (await storedSnapshot(db, latest.version)).state : null;
  const digest = await directoryDigest(state);
  return {
    latest: latest ? { version: latest.version, publishedAt: new Date(latest.published_at).toISOString() } : null,
    nextVersion: (latest?.version ?? 0) + 1,
    digest,
    unchanged: latest?.digest === digest,
    ...compareStates(published, state),
  };
}
