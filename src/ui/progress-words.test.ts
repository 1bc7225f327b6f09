import { describe, expect, it } from 'vitest';
import type { ComplaintProgress } from '../directory/report-contract.ts';
import type { ReportView } from '../extension/messages.ts';
import { awaitsReporterWord, progressFinished, progressSteps } from './progress-words.ts';
import { stageKey } from './report-progress-view.tsx';

// The steps a shopper reads, the same on the portal and in the options page, and when the
// extension stops asking about a report.

const complaint = (change: Partial<ComplaintProgress>): ComplaintProgress => ({
  id: 7,
  stage: 'accepted',
  merchantListed: true,
  sentAt: null,
  readAt: null,
  answeredAt: null,
  answer: null,
  closedAt: null,
  outcome: null,
  rating: null,
  ...change,
});

const ids = (source: Parameters<typeof progressSteps>[0]) => progressSteps(source).map((step) => step.id);

describe('a report’s steps', () => {
  it('go from received to closed, each at its date', () => {
    expect(ids({ status: 'received' })).toEqual(['received']);
    expect(ids({ status: 'under-review' })).toEqual(['received', 'under-review']);
    expect(ids({ status: 'rejected' })).toEqual(['received', 'rejected']);
    const answered = complaint({
      stage: 'answered',
      sentAt: '2026-11-27T11:00:00Z',
      readAt: '2026-11-28T11:00:00Z',
      answeredAt: '2026-11-29T11:00:00Z',
      answer: { kind: 'disputes', text: 'No.' },
    });
    expect(progressSteps({ status: 'accepted', complaint: answered })).toEqual([
      { id: 'received', key: 'progress_stepReceived', at: null },
      { id: 'accepted', key: 'progress_stepAccepted', at: null },
      { id: 'sent', key: 'progress_stepSent', at: '2026-11-27T11:00:00Z' },
      { id: 'read', key: 'progress_stepRead', at: '2026-11-28T11:00:00Z' },
      { id: 'answered', key: 'progress_stepAnswered', at: '2026-11-29T11:00:00Z' },
    ]);
    expect(awaitsReporterWord({ status: 'accepted', complaint: answered })).toBe(true);
    const closed = complaint({ stage: 'closed', outcome: 'unfounded', closedAt: '2026-12-01T00:00:00Z' });
    expect(progressSteps({ status: 'accepted', complaint: closed }).at(-1)).toEqual({
      id: 'closed',
      key: 'progress_stepClosedUnfounded',
      at: '2026-12-01T00:00:00Z',
    });
    expect(awaitsReporterWord({ status: 'accepted', complaint: closed })).toBe(false);
    // Withdrawn after it became a complaint: the complaint's steps stay, the withdrawal last.
    expect(ids({ status: 'withdrawn', complaint: complaint({}) })).toEqual(['received', 'accepted', 'withdrawn']);
  });

  it('are followed until closed, rejected or withdrawn, not merely accepted', () => {
    expect(progressFinished({ status: 'accepted', complaint: complaint({ stage: 'read' }) })).toBe(false);
    expect(progressFinished({ status: 'accepted' })).toBe(false);
    expect(
      progressFinished({ status: 'accepted', complaint: complaint({ stage: 'closed', outcome: 'resolved' }) }),
    ).toBe(true);
    expect(progressFinished({ status: 'rejected' })).toBe(true);
    expect(progressFinished({ status: 'withdrawn' })).toBe(true);
  });

  it('name a report still in the outbox by its delivery in the options page', () => {
    const base = { delivery: 'sent', status: 'accepted', complaint: complaint({ stage: 'sent', sentAt: 'x' }) };
    expect(stageKey(base as unknown as ReportView)).toBe('progress_stepSent');
    expect(stageKey({ ...base, delivery: 'queued' } as unknown as ReportView)).toBe('reportStatus_queued');
    expect(stageKey({ ...base, delivery: 'refused' } as unknown as ReportView)).toBe('reportStatus_refused');
  });
});
