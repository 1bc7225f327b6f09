/** @jsxImportSource hono/jsx */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { shownText } from '../portal/form-parts.tsx';
import { statusDay } from '../portal/merchant-status.tsx';
import type { PortalWords } from '../portal/portal-words.ts';
import type { PortalDirectory } from '../portal/published-directory.ts';

// Decided contests as the portal publishes them on the pages about a shop (its
// certificate, a check of the domain): when it was contested, the decision and its date,
// and the moderator's public outcome. Nothing of the contester. Read from the registry
// once per publication, by the `contests_status_created` index.

export interface PublishedContest {
  kind: 'flag' | 'complaint';
  contestedAt: string;
  outcome: 'upheld' | 'dismissed';
  decidedAt: string;
  publicOutcome: string;
}

/** The most a page lists: the latest decisions. */
const MAX_PUBLISHED = 20;
/** The most decisions one publication holds in memory (the latest). */
const MAX_LOADED = 20_000;

type ContestsOn = (domains: readonly string[]) => PublishedContest[];

/**
 * Decided contests, read once per publication and kept beside it (as the status dates
 * are), so a certificate or a check costs no database query. A decision shows from the
 * first publication after it, with the flag's removal or the complaint's new count.
 */
export class PublishedContests {
  readonly #byPublication = new WeakMap<PortalDirectory, Promise<Map<string, PublishedContest[]>>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void = (error) =>
      console.error(`portal: cannot read the decided contests: ${(error as Error).message}`),
  ) {}

  async of(directory: PortalDirectory): Promise<ContestsOn> {
    let loading = this.#byPublication.get(directory);
    if (!loading) {
      loading = this.load(new Date(directory.manifest.publishedAt)).catch((error: unknown) => {
        // Pages still answer, without contests; the next request tries again.
        this.onError(error);
        this.#byPublication.delete(directory);
        return new Map<string, PublishedContest[]>();
      });
      this.#byPublication.set(directory, loading);
    }
    const byDomain = await loading;
    return (domains) =>
      domains
        .flatMap((domain) => byDomain.get(domain) ?? [])
        .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt))
        .slice(0, MAX_PUBLISHED);
  }

  private async load(publishedAt: Date): Promise<Map<string, PublishedContest[]>> {
    const rows = await this.db
      .selectFrom('contests')
      .select(['domain', 'kind', 'created_at', 'status', 'decided_at', 'public_outcome'])
      .where('status', 'in', ['upheld', 'dismissed'])
      .where('decided_at', '<=', publishedAt)
      .orderBy('decided_at', 'desc')
      .limit(MAX_LOADED)
      .execute();
    const byDomain = new Map<string, PublishedContest[]>();
    for (const row of rows) {
      const list = byDomain.get(row.domain) ?? [];
      list.push({
        kind: row.kind,
        contestedAt: new Date(row.created_at).toISOString(),
        outcome: row.status === 'upheld' ? 'upheld' : 'dismissed',
        decidedAt: new Date(row.decided_at ?? row.created_at).toISOString(),
        publicOutcome: row.public_outcome ?? '',
      });
      byDomain.set(row.domain, list);
    }
    return byDomain;
  }
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
