import {
  type ComplaintProgress,
  MAX_DETAILS_LENGTH,
  REPORTS_PATH,
  type ReporterOutcome,
  type ReportStatus,
  type ReportStatusView,
  reportCreatedSchema,
  reportOutcomePath,
  reportPath,
  reportStatusViewSchema,
  reportWithdrawalPath,
  visiblePublicReason,
} from '../directory/report-contract.ts';
import type { ReportReason } from '../directory/schemas.ts';
import { replaceRefusedCharacters } from '../directory/text-policy.ts';
import { progressFinished } from '../ui/progress-words.ts';
import type { Fetch } from './bounded-fetch.ts';
import type { ThiqaDatabase } from './database.ts';

/** A report as the outbox keeps it, from the click until the service has it (and after). */
export interface StoredReport {
  idempotencyKey: string;
  url: string;
  domain: string;
  reason: ReportReason;
  details: string | null;
  lang: string;
  createdAt: string;
  /** `queued` until the service answers; `refused` when it answered 4xx (sending again would not help). */
  delivery: 'queued' | 'sent' | 'refused';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  receipt: string | null;
  editToken: string | null;
  status: ReportStatus | null;
  publicReason: string | null;
  /** A change the shopper made after the first send, waiting to be sent as a PATCH. */
  pendingAmendment: { reason: ReportReason; details: string | null } | null;
  /** The shopper lets the merchant read the details (issue 13; absent from older rows: false). */
  shareWithMerchant: boolean;
  /** The complaint the report became, as the service last said (absent from older rows: null). */
  complaint: ComplaintProgress | null;
  /** When the service last changed the report (absent from older rows: null). */
  updatedAt: string | null;
}

/** A row as stored by any version: the fields added since get their defaults. */
export function withDefaults(row: StoredReport): StoredReport {
  return {
    ...row,
    shareWithMerchant: row.shareWithMerchant ?? false,
    complaint: row.complaint ?? null,
    updatedAt: row.updatedAt ?? null,
  };
}

export interface ReportOutbox {
  enqueue(report: { url: string; domain: string; lang: string; shareWithMerchant?: boolean }): Promise<StoredReport>;
  amend(idempotencyKey: string, change: { reason: ReportReason; details: string | null }): Promise<StoredReport>;
  /** Sends whatever is due (or everything waiting, when the network just came back); resolves when this round is done. */
  flush(options?: { evenIfNotDue?: boolean }): Promise<void>;
  /** Asks again about every report not yet finished (closed, rejected or withdrawn). */
  refreshStatuses(): Promise<void>;
  /** "Solved" and/or a rating once the merchant answered; throws with the reason when refused. */
  recordOutcome(idempotencyKey: string, outcome: ReporterOutcome): Promise<StoredReport>;
  /** Withdraws the report (its details are erased at the service); throws with the reason when refused. */
  withdraw(idempotencyKey: string): Promise<StoredReport>;
  list(): Promise<StoredReport[]>;
  get(idempotencyKey: string): Promise<StoredReport | undefined>;
}

const FIRST_RETRY_MS = 5_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;

/**
 * Reports wait in IndexedDB until the service has acknowledged them, so a worker that
 * stops, a browser that restarts or a network that is down loses none. Each carries a
 * UUID idempotency key from the click on: sending it twice gives the same receipt.
 */
export function createReportOutbox(deps: {
  db: ThiqaDatabase;
  fetch: Fetch;
  now: () => Date;
  reportsOrigin: string;
  clientVersion: string;
  randomUUID: () => string;
  random?: () => number;
  /** Asks to be woken at this time to retry (an alarm in the extension). */
  scheduleRetry: (at: Date) => void;
}): ReportOutbox {
  const { db, now } = deps;
  const random = deps.random ?? Math.random;
  const endpoint = (path: string) => new URL(path, deps.reportsOrigin).href;
  const send = (method: string, path: string, body?: unknown, token?: string) =>
    deps.fetch(endpoint(path), {
      method,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const put = async (report: StoredReport) => {
    await db.put('reports', report);
    return report;
  };

  /** Stores what the service says of a report, its texts with hidden characters spelled out. */
  async function keepView(idempotencyKey: string, view: ReportStatusView): Promise<StoredReport> {
    const latest = await db.get('reports', idempotencyKey);
    if (!latest) throw new Error('no such report');
    const complaint = view.complaint ?? null;
    return put({
      ...withDefaults(latest),
      status: view.status,
      publicReason: visiblePublicReason(view.publicReason),
      updatedAt: view.updatedAt,
      complaint: complaint?.answer
        ? { ...complaint, answer: { ...complaint.answer, text: spelledOut(complaint.answer.text) } }
        : complaint,
    });
  }

  /** A sent report this browser holds the key of. */
  async function held(idempotencyKey: string): Promise<StoredReport & { receipt: string; editToken: string }> {
    const report = await db.get('reports', idempotencyKey);
    if (!report?.receipt || !report.editToken) throw new Error('this report has not reached the service yet');
    return { ...withDefaults(report), receipt: report.receipt, editToken: report.editToken };
  }

  /** The shopper's own action on a report, with its key; the service's new view of it, or an error that says why not. */
  async function act(
    report: { editToken: string },
    method: 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ReportStatusView> {
    const response = await send(method, path, body, report.editToken);
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as { detail?: unknown } | null;
      const detail = typeof problem?.detail === 'string' ? problem.detail.slice(0, 200) : '';
      throw new Error(detail ? `HTTP ${response.status}: ${detail}` : `HTTP ${response.status}`);
    }
    const parsed = reportStatusViewSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new Error('the service answered something that is not a report');
    return parsed.data;
  }

  const retryLater = (report: StoredReport, error: string, response?: Response): StoredReport => {
    const attempts = report.attempts + 1;
    const base = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LONGEST_RETRY_MS);
    // A service that says when to come back (429, 503) is taken at its word, within reason.
    const retryAfterSeconds = Number(response?.headers.get('retry-after'));
    const asked = Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0;
    const delay = Math.max(base * (0.8 + 0.4 * random()), Math.min(asked, LONGEST_RETRY_MS));
    const at = new Date(now().getTime() + delay);
    deps.scheduleRetry(at);
    return { ...report, attempts, nextAttemptAt: at.toISOString(), lastError: error };
  };

  async function deliver(report: StoredReport): Promise<StoredReport> {
    let response: Response;
    try {
      response = await send('POST', REPORTS_PATH, {
        url: report.url,
        reason: report.reason,
        ...(report.details ? { details: report.details } : {}),
        ...(report.shareWithMerchant ? { shareWithMerchant: true } : {}),
        idempotencyKey: report.idempotencyKey,
        lang: report.lang,
        clientVersion: deps.clientVersion,
      });
    } catch (error) {
      return retryLater(report, `network: ${(error as Error).message}`);
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      return retryLater(report, `HTTP ${response.status}`, response);
    }
    if (!response.ok) {
      return { ...report, delivery: 'refused', nextAttemptAt: null, lastError: `HTTP ${response.status}` };
    }
    const created = reportCreatedSchema.safeParse(await response.json().catch(() => null));
    if (!created.success) return retryLater(report, 'the service answered something that is not a receipt');
    return {
      ...report,
      delivery: 'sent',
      attempts: report.attempts + 1,
      nextAttemptAt: null,
      lastError: null,
      receipt: created.data.receipt,
      editToken: created.data.editToken,
      status: created.data.status,
    };
  }

  async function deliverAmendment(report: StoredReport): Promise<StoredReport> {
    const change = report.pendingAmendment;
    if (!change || !report.receipt || !report.editToken) return report;
    let response: Response;
    try {
      response = await send(
        'PATCH',
        reportPath(report.receipt),
        { reason: change.reason, ...(change.details ? { details: change.details } : {}) },
        report.editToken,
      );
    } catch (error) {
      return retryLater(report, `network: ${(error as Error).message}`);
    }
    if (response.status >= 500 || response.status === 429)
      return retryLater(report, `HTTP ${response.status}`, response);
    if (!response.ok)
      return { ...report, pendingAmendment: null, nextAttemptAt: null, lastError: `HTTP ${response.status}` };
    return {
      ...report,
      reason: change.reason,
      details: change.details,
      pendingAmendment: null,
      nextAttemptAt: null,
      lastError: null,
    };
  }

  const isDue = (report: StoredReport, at: Date) =>
    (report.delivery === 'queued' || report.pendingAmendment !== null) &&
    report.delivery !== 'refused' &&
    (report.nextAttemptAt === null || Date.parse(report.nextAttemptAt) <= at.getTime());

  let flushing: Promise<void> | null = null;
  async function flushOnce(evenIfNotDue: boolean): Promise<void> {
    const all = await db.getAll('reports');
    let serviceAnswered = false;
    let serviceAskedToWait = false;
    for (const report of all) {
      if (!isDue(report, evenIfNotDue ? new Date(8.64e15) : now())) continue;
      const updated = report.delivery === 'queued' ? await deliver(report) : await deliverAmendment(report);
      const latest = await db.get('reports', report.idempotencyKey);
      await put(keepChangesMadeInFlight(report, updated, latest));
      if (updated.nextAttemptAt === null) serviceAnswered = true;
      else if (/^HTTP (429|503)\b/.test(updated.lastError ?? '')) serviceAskedToWait = true;
    }
    // One report went through after failures: the service is back (a restart, a network
    // that returned). The others need not sit out their own backoff, as when the browser
    // says it is online again; unless the service asked us to slow down.
    const othersWaiting = all.some((report) => isDue(report, new Date(8.64e15)) && !isDue(report, now()));
    if (!evenIfNotDue && serviceAnswered && !serviceAskedToWait && othersWaiting) return flushOnce(true);
    // A worker that wakes after a restart has no timer of its own for reports that are
    // waiting for a later attempt: ask again to be woken for the earliest of them.
    const waiting = (await db.getAll('reports'))
      .filter((report) => (report.delivery === 'queued' || report.pendingAmendment) && report.delivery !== 'refused')
      .map((report) => (report.nextAttemptAt ? Date.parse(report.nextAttemptAt) : Number.POSITIVE_INFINITY))
      .filter((at) => at > now().getTime() && Number.isFinite(at));
    if (waiting.length > 0) deps.scheduleRetry(new Date(Math.min(...waiting)));
  }

  const outbox: ReportOutbox = {
    async enqueue({ url, domain, lang, shareWithMerchant }) {
      const report = await put({
        idempotencyKey: deps.randomUUID(),
        url,
        domain,
        reason: 'suspicious',
        details: null,
        lang,
        createdAt: now().toISOString(),
        delivery: 'queued',
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        receipt: null,
        editToken: null,
        status: null,
        publicReason: null,
        pendingAmendment: null,
        shareWithMerchant: shareWithMerchant === true,
        complaint: null,
        updatedAt: null,
      });
      await outbox.flush();
      return (await db.get('reports', report.idempotencyKey)) ?? report;
    },
    async amend(idempotencyKey, change) {
      const report = await db.get('reports', idempotencyKey);
      if (!report) throw new Error('no such report');
      const details = change.details?.trim() ? change.details.trim().slice(0, MAX_DETAILS_LENGTH) : null;
      if (report.delivery === 'queued') {
        // Not sent yet: the first send carries the shopper's choice.
        await put({ ...report, reason: change.reason, details });
      } else {
        await put({ ...report, pendingAmendment: { reason: change.reason, details }, nextAttemptAt: null });
      }
      await outbox.flush();
      return (await db.get('reports', idempotencyKey)) ?? report;
    },
    flush(options = {}) {
      // One round at a time inside a worker; a later call waits for it and runs again.
      const previous = flushing ?? Promise.resolve();
      const round = () => flushOnce(options.evenIfNotDue === true);
      const next = previous.then(round, round);
      flushing = next.finally(() => {
        if (flushing === next) flushing = null;
      });
      return next;
    },
    async refreshStatuses() {
      for (const stored of await db.getAll('reports')) {
        const report = withDefaults(stored);
        // Only receipts this browser holds are asked about, and only until nothing more can happen.
        if (!report.receipt || progressFinished(report)) continue;
        try {
          const response = await send('GET', reportPath(report.receipt));
          if (!response.ok) continue;
          const parsed = reportStatusViewSchema.safeParse(await response.json());
          if (!parsed.success || parsed.data.receipt !== report.receipt) continue;
          await keepView(report.idempotencyKey, parsed.data);
        } catch {
          // Offline: the options page keeps showing the last known status.
        }
      }
    },
    async recordOutcome(idempotencyKey, outcome) {
      const report = await held(idempotencyKey);
      return keepView(idempotencyKey, await act(report, 'POST', reportOutcomePath(report.receipt), outcome));
    },
    async withdraw(idempotencyKey) {
      const report = await held(idempotencyKey);
      return keepView(idempotencyKey, await act(report, 'DELETE', reportWithdrawalPath(report.receipt)));
    },
    async list() {
      return (await db.getAllFromIndex('reports', 'byCreatedAt')).reverse().map(withDefaults);
    },
    get: async (idempotencyKey) => {
      const row = await db.get('reports', idempotencyKey);
      return row && withDefaults(row);
    },
  };
  return outbox;
}

/** A merchant's text as written, any character the text policy refuses shown as its code point. */
const spelledOut = (text: string) =>
  replaceRefusedCharacters(text, 'multiline', (character) => {
    const code = (character.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    return `\\u{${code}}`;
  });

const sameChange = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The shopper may change a report while it is being sent (the popup stays open): what
 * they changed meanwhile must survive the write of the send's outcome, and go out next.
 */
function keepChangesMadeInFlight(
  sent: StoredReport,
  updated: StoredReport,
  latest: StoredReport | undefined,
): StoredReport {
  if (!latest) return updated;
  const choiceBefore = { reason: sent.reason, details: sent.details };
  const choiceNow = { reason: latest.reason, details: latest.details };
  if (sent.delivery === 'queued' && !sameChange(choiceBefore, choiceNow)) {
    return updated.delivery === 'sent' ? { ...updated, pendingAmendment: choiceNow } : { ...updated, ...choiceNow };
  }
  if (latest.pendingAmendment && !sameChange(latest.pendingAmendment, sent.pendingAmendment)) {
    return { ...updated, pendingAmendment: latest.pendingAmendment, nextAttemptAt: null };
  }
  return updated;
}
