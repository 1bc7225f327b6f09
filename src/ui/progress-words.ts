import type {
  ComplaintOutcome,
  ComplaintProgress,
  MerchantAnswerKind,
  ReporterRating,
  ReportStatus,
} from '../directory/report-contract.ts';
import type { MessageKey } from './locale-messages.ts';

// The steps of a report as its shopper follows them, from "received" to "closed", in the
// same words on the portal's `/report/<receipt>` and in the extension's options page.

export type ProgressStepId =
  | 'received'
  | 'under-review'
  | 'accepted'
  | 'rejected'
  | 'withdrawn'
  | 'sent'
  | 'read'
  | 'answered'
  | 'closed';

export interface ProgressStep {
  id: ProgressStepId;
  key: MessageKey;
  /** When the step was reached, when the service says (an ISO instant). */
  at: string | null;
}

export const ANSWER_KIND_WORDS: Record<MerchantAnswerKind, MessageKey> = {
  'will-act': 'progress_answerWillAct',
  disputes: 'progress_answerDisputes',
  'not-ours': 'progress_answerNotOurs',
};

export const RATING_WORDS: Record<ReporterRating, MessageKey> = {
  satisfied: 'progress_ratingSatisfied',
  neutral: 'progress_ratingNeutral',
  'not-satisfied': 'progress_ratingNotSatisfied',
};

const CLOSED_WORDS: Record<ComplaintOutcome, MessageKey> = {
  resolved: 'progress_stepClosedResolved',
  unanswered: 'progress_stepClosedUnanswered',
  unfounded: 'progress_stepClosedUnfounded',
};

/** What a step list needs of a report: the portal has the service's view, the extension its stored copy. */
export interface ProgressSource {
  status: ReportStatus | null;
  complaint?: ComplaintProgress | null | undefined;
  receivedAt?: string | null;
  updatedAt?: string | null;
}

/** The steps reached so far, oldest first; the last one is where the report is now. */
export function progressSteps(report: ProgressSource): ProgressStep[] {
  const steps: ProgressStep[] = [{ id: 'received', key: 'progress_stepReceived', at: report.receivedAt ?? null }];
  const complaint = report.complaint ?? null;
  if (report.status === 'under-review') steps.push({ id: 'under-review', key: 'progress_stepUnderReview', at: null });
  if (report.status === 'rejected') {
    steps.push({ id: 'rejected', key: 'progress_stepRejected', at: report.updatedAt ?? null });
  }
  if (report.status === 'accepted' || complaint) {
    steps.push({ id: 'accepted', key: 'progress_stepAccepted', at: null });
  }
  if (complaint) {
    if (complaint.sentAt) steps.push({ id: 'sent', key: 'progress_stepSent', at: complaint.sentAt });
    if (complaint.readAt) steps.push({ id: 'read', key: 'progress_stepRead', at: complaint.readAt });
    if (complaint.answeredAt) steps.push({ id: 'answered', key: 'progress_stepAnswered', at: complaint.answeredAt });
    if (complaint.outcome) steps.push({ id: 'closed', key: CLOSED_WORDS[complaint.outcome], at: complaint.closedAt });
  }
  // A withdrawn report may have become a complaint first: its steps stay, the withdrawal comes last.
  if (report.status === 'withdrawn') {
    steps.push({ id: 'withdrawn', key: 'progress_stepWithdrawn', at: report.updatedAt ?? null });
  }
  return steps;
}

/** True once nothing more will happen to the report: the extension stops asking about it. */
export function progressFinished(report: ProgressSource): boolean {
  if (report.status === 'rejected' || report.status === 'withdrawn') return true;
  return report.complaint?.stage === 'closed' || Boolean(report.complaint?.outcome);
}

/** The shopper may still say "solved" or rate: the merchant answered and the complaint is open. */
export function awaitsReporterWord(report: ProgressSource): boolean {
  return report.status === 'accepted' && report.complaint?.stage === 'answered' && !report.complaint.outcome;
}
