/** @jsxImportSource hono/jsx */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { shownText } from '../portal/form-parts.tsx';
import { statusDay } from '../portal/merchant-status.tsx';
import type { PortalWords } from '../portal/portal-words.ts';

// Decided contests as the portal publishes them on the pages about a shop (its
// certificate, a check of the domain): when it was contested, the decision and its date,
// and the moderator's public outcome. Nothing of the contester.

export interface PublishedContest {
  kind: 'flag' | 'complaint';
  contestedAt: string;
  outcome: 'upheld' | 'dismissed';
  decidedAt: string;
  publicOutcome: string;
}

/** The most a page lists: the latest decisions. */
const MAX_PUBLISHED = 20;

/** Decided contests on `domains`, latest decision first (read through the contests_domain index). */
export async function decidedContestsOn(db: Kysely<Database>, domains: readonly string[]): Promise<PublishedContest[]> {
  if (domains.length === 0) return [];
  const rows = await db
    .selectFrom('contests')
    .select(['kind', 'created_at', 'status', 'decided_at', 'public_outcome'])
    .where('domain', 'in', [...domains])
    .where('status', 'in', ['upheld', 'dismissed'])
    .orderBy('decided_at', 'desc')
    .limit(MAX_PUBLISHED)
    .execute();
  return rows.map((row) => ({
    kind: row.kind,
    contestedAt: new Date(row.created_at).toISOString(),
    outcome: row.status === 'upheld' ? 'upheld' : 'dismissed',
    decidedAt: new Date(row.decided_at ?? row.created_at).toISOString(),
    publicOutcome: row.public_outcome ?? '',
  }));
}

export function ContestOutcomes(props: { words: PortalWords; contests: readonly PublishedContest[] }) {
  const { words, contests } = props;
  if (contests.length === 0) return null;
  const { p, lang } = words;
  return (
    <section aria-labelledby="contests-heading" class="contest-outcomes">
      <h2 id="contests-heading">{p('contest_publishedHeading')}</h2>
      <ul>
        {contests.map((contest) => (
          <li data-contest={contest.kind} data-outcome={contest.outcome}>
            {p(contest.kind === 'flag' ? 'contest_publishedFlag' : 'contest_publishedComplaint', [
              statusDay(contest.contestedAt, lang),
              p(contest.outcome === 'upheld' ? 'contest_upheld' : 'contest_dismissed'),
              statusDay(contest.decidedAt, lang),
            ])}{' '}
            — <bdi>{shownText(contest.publicOutcome)}</bdi>
          </li>
        ))}
      </ul>
    </section>
  );
}
