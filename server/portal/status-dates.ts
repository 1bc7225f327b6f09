import type { Kysely } from 'kysely';
import type { Merchant } from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';
import { loadStatusSince, type StatusSince } from '../merchants/status-since.ts';
import type { PortalDirectory } from './published-directory.ts';

// Since when a published merchant is suspended or revoked. The directory files do not say
// (their schema is frozen), the registry does: its dates are read once per publication and
// kept beside it, so a certificate page costs no database query.

/** The date a merchant took the status the publication gives it, or null when unknown. */
export type StatusDateOf = (merchant: Merchant) => string | null;

export class PublishedStatusDates {
  readonly #byPublication = new WeakMap<PortalDirectory, Promise<Map<string, StatusSince>>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async of(directory: PortalDirectory): Promise<StatusDateOf> {
    let loading = this.#byPublication.get(directory);
    if (!loading) {
      loading = loadStatusSince(this.db).catch((error: unknown) => {
        // Pages still answer, without dates; the next request tries again.
        this.onError(error);
        this.#byPublication.delete(directory);
        return new Map<string, StatusSince>();
      });
      this.#byPublication.set(directory, loading);
    }
    const dates = await loading;
    const publishedAt = Date.parse(directory.manifest.publishedAt);
    return (merchant) => {
      const known = dates.get(merchant.id);
      // The registry may have moved on since this publication: a date is shown only when it
      // is the date of the status published, taken before the publication.
      if (!known || known.status !== merchant.status || known.since === null) return null;
      return Date.parse(known.since) <= publishedAt ? known.since : null;
    };
  }
}
