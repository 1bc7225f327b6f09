/** @jsxImportSource hono/jsx */
import type { ReportStatus } from '../../src/directory/report-contract.ts';
import { type ComplaintCategory, complaintCategorySchema, type ReportReason } from '../../src/directory/schemas.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import type { MessageKey } from '../../src/ui/locale-messages.ts';
import { formatDate, REPORT_REASON } from '../../src/ui/verdict-words.ts';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import type { QueueGroup, ShopStanding } from './report-queue-reads.ts';

// The pieces of the console's queue pages: a shop's name and standing, the queue's table,
// and the words of a report's reason and status. Shoppers' text is isolated (<bdi>) and
// shown inert, any character the text policy refuses as U+FFFD.

const STATUS_WORDS: Record<ReportStatus, MessageKey> = {
  received: 'reportStatus_received',
  'under-review': 'reportStatus_underReview',
  accepted: 'reportStatus_accepted',
  rejected: 'reportStatus_rejected',
  withdrawn: 'reportStatus_withdrawn',
};

/** A reason or category in words; a value no list knows (an old row) shows as itself. */
export function reasonWords(words: ConsoleWords, reason: string): string {
  const key = REPORT_REASON[reason as ReportReason] as MessageKey | undefined;
  return key ? words.t(key) : reason;
}

export const statusWords = (words: ConsoleWords, status: string) => {
  const key = STATUS_WORDS[status as ReportStatus] as MessageKey | undefined;
  return key ? words.t(key) : status;
};

/** A moment, in the page's language. */
export const momentWords = (words: ConsoleWords, at: Date | string) =>
  formatDate(new Date(at).toISOString(), words.lang, true);

/** The categories a complaint may have, in words, and the one a report's reason maps to. */
export const categoryOptions = (words: ConsoleWords) =>
  complaintCategorySchema.options.map((category) => ({ value: category, text: reasonWords(words, category) }));
export const categoryOfReason = (reason: string): ComplaintCategory | '' =>
  complaintCategorySchema.safeParse(reason).data ?? '';

/** A shop as the portal shows it: its Unicode name, and the ASCII one when they differ. */
export function ShopName(props: { words: ConsoleWords; domain: string }) {
  const { words, domain } = props;
  const display = shopIdentity(domain, SERVICE_PLATFORMS)?.display ?? domain;
  return (
    <>
      <bdi dir="ltr">{display}</bdi>
      {display !== domain ? <> ({words.t('popup_domainAscii', [domain])})</> : null}
    </>
  );
}

const MERCHANT_STATUS_TAG = { verified: 'tag--verified', suspended: 'tag--caution', revoked: 'tag--danger' };
const MERCHANT_STATUS_WORDS = {
  verified: 'merchants_statusVerified',
  suspended: 'merchants_statusSuspended',
  revoked: 'merchants_statusRevoked',
} as const;

/** Whether the registry lists the shop as a merchant's, and whether it is flagged. */
export function ShopStandingTags(props: { words: ConsoleWords; standing: ShopStanding | undefined }) {
  const { words } = props;
  const { merchant, flag } = props.standing ?? {};
  return (
    <span class="standing">
      {merchant ? (
        <span class={`tag ${MERCHANT_STATUS_TAG[merchant.status]}`} data-standing="merchant">
          {words.c('queue_listedMerchant', [merchant.id])} — {words.p(MERCHANT_STATUS_WORDS[merchant.status])}
        </span>
      ) : null}
      {flag ? (
        <span class="tag tag--danger" data-standing="flagged">
          {words.c('queue_flagged', [reasonWords(words, flag.reason)])}
        </span>
      ) : null}
      {!merchant && !flag ? (
        <span class="tag" data-standing="unknown">
          {words.c('queue_notListed')}
        </span>
      ) : null}
    </span>
  );
}

export const groupHref = (words: ConsoleWords, domain: string, params: Record<string, string> = {}) =>
  portalHref(words.lang, `/admin/queue/${encodeURIComponent(domain)}`, params);

export function QueueTable(props: {
  words: ConsoleWords;
  groups: readonly QueueGroup[];
  standings: ReadonlyMap<string, ShopStanding>;
}) {
  const { words } = props;
  return (
    <ScrollingTable
      caption={words.c('queue_tableCaption')}
      hiddenCaption
      class="queue-table"
      columns={[
        words.c('queue_colShop'),
        words.c('queue_colReports'),
        words.c('queue_colReasons'),
        words.c('queue_colOldest'),
      ]}
    >
      {props.groups.map((group) => (
        <tr data-group={group.domain}>
          <th scope="row">
            <a href={groupHref(words, group.domain)}>
              <ShopName words={words} domain={group.domain} />
            </a>{' '}
            <ShopStandingTags words={words} standing={props.standings.get(group.domain)} />
          </th>
          <td data-count="reports">{group.count}</td>
          <td>
            <ul class="reason-counts">
              {group.reasons.map((entry) => (
                <li data-reason={entry.reason}>
                  {words.c('queue_reasonCount', [reasonWords(words, entry.reason), entry.count])}
                </li>
              ))}
            </ul>
          </td>
          <td>{momentWords(words, group.oldest)}</td>
        </tr>
      ))}
    </ScrollingTable>
  );
}

/** A shopper's multi-line text, inert: each line as typed, hidden characters as U+FFFD. */
export function ShopperText(props: { text: string; class?: string }) {
  return (
    <bdi class={props.class ?? 'shopper-text'} dir="auto">
      {shownText(props.text, 'multiline')}
    </bdi>
  );
}
