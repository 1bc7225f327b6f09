import type { Kysely } from 'kysely';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { type MerchantStatus, merchantSchema } from '../../src/directory/schemas.ts';
import { findRefusedCharacter, personText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { normalizePhone, parseSocial, shopDomains } from './import-columns.ts';
import type { MerchantRecord } from './import-map.ts';
import { merchantWrite } from './import-move.ts';
import type { MerchantView } from './merchant-lookup.ts';

// What the console does to a merchant: edit its contact details and shops,
// suspend, revoke, reinstate. An edit goes through the directory's merchant schema and
// the import's own helpers (phone, shop domains, social accounts), so the console can
// never store what `thiqa import` would refuse; a domain another merchant holds is
// refused, as the import refuses a domain transfer it was not told to accept. Every form
// carries the record's `updated_at`: a form opened before someone else's change is stale.

/** The fields the console edits, in the form's order. */
export const EDIT_FIELDS = ['tradeNames', 'city', 'phone', 'email', 'domains', 'social'] as const;
export type EditField = (typeof EDIT_FIELDS)[number];

/** The edit form as posted: lists one entry a line. */
export type MerchantEditForm = Record<EditField, string> & { stamp: string };

export type EditProblemKind =
  | 'required'
  | 'too-long'
  | 'too-many'
  | 'hidden-character'
  | 'phone'
  | 'email'
  | 'domain'
  | 'domain-taken'
  | 'social';

export interface EditProblem {
  field: EditField;
  kind: EditProblemKind;
  /** What the message names: the entry at fault, a position, the merchant holding a domain. */
  args: string[];
}

/** The form's fields as they are shown again: the record's values, lists one a line. */
export function editFormOf(view: MerchantView): MerchantEditForm {
  const { record } = view;
  return {
    tradeNames: record.tradeNames.join('\n'),
    city: record.city,
    phone: record.phone,
    email: record.email ?? '',
    domains: record.domains.join('\n'),
    social: record.social.map((entry) => `${entry.network}:${entry.handle}`).join('\n'),
    stamp: view.stamp,
  };
}

const linesOf = (text: string) =>
  text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The record the form makes of `record`, or what is wrong with it, field by field. */
export function editedRecord(
  record: MerchantRecord,
  form: MerchantEditForm,
): { record: MerchantRecord } | { problems: EditProblem[] } {
  const problems: EditProblem[] = [];
  const problem = (field: EditField, kind: EditProblemKind, args: string[] = []) => {
    if (!problems.some((entry) => entry.field === field)) problems.push({ field, kind, args });
  };
  for (const field of EDIT_FIELDS) {
    const refused = linesOf(form[field])
      .map((line) => findRefusedCharacter(line, 'line'))
      .find(Boolean);
    if (refused) problem(field, 'hidden-character', [String(refused.position)]);
  }
  const domains: string[] = [];
  for (const line of linesOf(form.domains)) {
    let bad = false;
    const found = shopDomains([line], () => {
      bad = true;
    });
    if (bad) problem('domains', 'domain', [line]);
    for (const domain of found) if (!domains.includes(domain)) domains.push(domain);
  }
  const social = linesOf(form.social).flatMap((line) => parseSocial([line], () => problem('social', 'social', [line])));
  const email = form.email.trim().toLowerCase();
  const candidate = {
    ...record,
    tradeNames: linesOf(form.tradeNames),
    city: form.city,
    phone: normalizePhone(form.phone.trim()),
    email: email === '' ? null : email,
    domains,
    social,
    complaints: { open: {}, resolved: {} },
  };
  const parsed = merchantSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = EDIT_FIELDS.find((name) => name === issue.path[0]);
      // The rest of the record is the registry's own, validated when it was written.
      if (!field) throw new Error(`merchant ${record.id}: stored record is invalid at ${issue.path.join('.')}`);
      const limit = issue.code === 'too_big' ? [String(issue.maximum)] : [];
      if (issue.code === 'too_big') {
        // The list itself is too long, or one of its entries (or the one text) is.
        problem(field, issue.path.length === 1 && Array.isArray(candidate[field]) ? 'too-many' : 'too-long', limit);
      } else if (issue.code === 'too_small') {
        problem(field, 'required');
      } else if (field === 'phone' || field === 'email') {
        problem(field, field);
      } else {
        problem(field, 'hidden-character', ['1']);
      }
    }
  }
  if (problems.length > 0 || !parsed.success) return { problems };
  const { complaints: _complaints, ...edited } = parsed.data;
  return { record: edited };
}

export type SaveOutcome =
  | { outcome: 'saved'; changed: EditField[] }
  | { outcome: 'unchanged' | 'stale' | 'not-found' }
  | { outcome: 'invalid'; problems: EditProblem[] };

/** Saves an edit unless the merchant changed since the form was opened; one audit line names each change. */
export function saveMerchantEdit(
  db: Kysely<Database>,
  id: string,
  form: MerchantEditForm,
  actor: string,
  now: Date,
): Promise<SaveOutcome> {
  return merchantWrite(db, async (trx): Promise<SaveOutcome> => {
    const row = await trx
      .selectFrom('merchants')
      .select(['record', 'updated_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    if (new Date(row.updated_at).toISOString() !== form.stamp) return { outcome: 'stale' };
    const before = row.record as MerchantRecord;
    const edited = editedRecord(before, form);
    if ('problems' in edited) return { outcome: 'invalid', problems: edited.problems };
    const after = edited.record;
    if (after.domains.length > 0) {
      const held = await trx
        .selectFrom('merchant_domains')
        .select(['domain', 'merchant_id'])
        .where('domain', 'in', after.domains)
        .where('merchant_id', '<>', id)
        .executeTakeFirst();
      if (held) {
        const problems: EditProblem[] = [
          { field: 'domains', kind: 'domain-taken', args: [held.domain, held.merchant_id] },
        ];
        return { outcome: 'invalid', problems };
      }
    }
    const changed = EDIT_FIELDS.filter((field) => canonicalJson(before[field]) !== canonicalJson(after[field]));
    if (changed.length === 0) return { outcome: 'unchanged' };
    await trx
      .updateTable('merchants')
      .set({ record: JSON.stringify(after), updated_at: now })
      .where('id', '=', id)
      .execute();
    if (changed.includes('domains')) {
      await trx.deleteFrom('merchant_domains').where('merchant_id', '=', id).execute();
      await trx
        .insertInto('merchant_domains')
        .values(after.domains.map((domain) => ({ domain, merchant_id: id })))
        .execute();
    }
    const changes = Object.fromEntries(changed.map((field) => [field, { from: before[field], to: after[field] }]));
    await recordAudit(trx, { actor, action: 'merchant.edit', subject: id, detail: { changes } }, now);
    return { outcome: 'saved', changed };
  });
}

/** The status changes a moderator may make, and from which statuses. */
export const STATUS_ACTIONS = {
  suspend: { from: ['verified'], to: 'suspended' },
  revoke: { from: ['verified', 'suspended'], to: 'revoked' },
  reinstate: { from: ['suspended', 'revoked'], to: 'verified' },
} as const satisfies Record<string, { from: readonly MerchantStatus[]; to: MerchantStatus }>;
export type StatusAction = keyof typeof STATUS_ACTIONS;
export const STATUS_ACTION_NAMES = Object.keys(STATUS_ACTIONS) as StatusAction[];

/** Why a status changes: one line, read by the next moderator and kept in the audit log. */
export const statusReasonSchema = personText(500).min(1);

export const mayApply = (action: StatusAction, status: MerchantStatus) =>
  (STATUS_ACTIONS[action].from as readonly MerchantStatus[]).includes(status);

export type StatusOutcome = { outcome: 'saved' | 'stale' | 'not-found' | 'not-allowed' };

/** Suspends, revokes or reinstates a merchant with a reason, unless it changed since the form was opened. */
export function changeMerchantStatus(
  db: Kysely<Database>,
  id: string,
  change: { action: StatusAction; reason: string; stamp: string },
  actor: string,
  now: Date,
): Promise<StatusOutcome> {
  const reason = statusReasonSchema.parse(change.reason);
  return merchantWrite(db, async (trx): Promise<StatusOutcome> => {
    const row = await trx
      .selectFrom('merchants')
      .select(['record', 'updated_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    if (new Date(row.updated_at).toISOString() !== change.stamp) return { outcome: 'stale' };
    const record = row.record as MerchantRecord;
    if (!mayApply(change.action, record.status)) return { outcome: 'not-allowed' };
    const to = STATUS_ACTIONS[change.action].to;
    // status_since moves with the status, as an import that changes it moves it (import-write.ts).
    await trx
      .updateTable('merchants')
      .set({ record: JSON.stringify({ ...record, status: to }), updated_at: now, status_since: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(
      trx,
      { actor, action: `merchant.${change.action}`, subject: id, detail: { from: record.status, to, reason } },
      now,
    );
    return { outcome: 'saved' };
  });
}
