/** @jsxImportSource hono/jsx */
import type { ComplaintCategory, ComplaintCounts, Merchant } from '../../src/directory/schemas.ts';
import { merchantSchema } from '../../src/directory/schemas.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { REPORT_REASON } from '../../src/ui/verdict-words.ts';
import { ContestOutcomes, type PublishedContest, PublishedContests } from '../contests/contest-outcomes.tsx';
import { BADGE_SIZE, badgePath } from './merchant-badge.ts';
import { listedName } from './merchant-search.ts';
import {
  mainDomain,
  mainShopVerdict,
  publishedShop,
  STATUS_LEVEL,
  statusDay,
  statusWords,
} from './merchant-status.tsx';
import {
  AnswerRecordLine,
  ComplaintList,
  Freshness,
  LabelList,
  MerchantFacts,
  VerdictPanel,
} from './merchant-views.tsx';
import { notFoundPage, type PortalApp, type PortalDeps } from './portal-app.tsx';
import { portalHref, sendPage } from './portal-layout.tsx';
import type { PortalKey, PortalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';
import type { PublishedStatusDates } from './status-dates.ts';

// `/merchants/<id>`: the merchant's certificate, from the latest publication: who the
// merchant is, the exact shops it covers, who verified what and when, its labels and
// complaints, its status with the date of the change, what the extension says on its
// main shop, and the badge the merchant may embed, which links back here.

const STATUS_EXPLAINED: Record<Merchant['status'], { dated: PortalKey; undated: PortalKey }> = {
  verified: { dated: 'certificate_statusVerified', undated: 'certificate_statusVerified' },
  suspended: { dated: 'certificate_statusSuspendedOn', undated: 'certificate_statusSuspendedUndated' },
  revoked: { dated: 'certificate_statusRevokedOn', undated: 'certificate_statusRevokedUndated' },
};

function StatusSection(props: { words: PortalWords; merchant: Merchant; since: string | null }) {
  const { words, merchant, since } = props;
  const level = STATUS_LEVEL[merchant.status];
  const explained = STATUS_EXPLAINED[merchant.status];
  return (
    <section
      class={`certificate-status level--${level}`}
      data-status={merchant.status}
      data-since={since ?? undefined}
      aria-labelledby="status-heading"
    >
      <h2 id="status-heading">{words.p('certificate_statusHeading')}</h2>
      <p class="certificate-status__words">
        <span class="verdict__mark" aria-hidden="true">
          {VERDICT_LEVELS[level].mark}
        </span>
        {statusWords(words, merchant.status, since)}
      </p>
      <p>{since === null ? words.p(explained.undated) : words.p(explained.dated, [statusDay(since, words.lang)])}</p>
    </section>
  );
}

function DomainList(props: { words: PortalWords; merchant: Merchant }) {
  const { words, merchant } = props;
  return (
    <ul class="domains">
      {merchant.domains.map((domain) => {
        const display = publishedShop(domain).display;
        return (
          <li data-domain={domain}>
            <bdi dir="ltr">{display}</bdi>
            {display !== domain ? <span class="label__line">{words.t('popup_domainAscii', [domain])}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** Resolved complaints by category, as ComplaintList shows the open ones. */
function ResolvedComplaintList(props: { words: PortalWords; complaints: ComplaintCounts }) {
  const { words } = props;
  const resolved = Object.entries(props.complaints.resolved).filter(([, count]) => (count ?? 0) > 0) as Array<
    [ComplaintCategory, number]
  >;
  if (resolved.length === 0) return <p>{words.p('certificate_noResolved')}</p>;
  return (
    <ul class="complaints">
      {resolved.map(([category, count]) => (
        <li data-category={category}>{words.t('popup_complaintCount', [words.t(REPORT_REASON[category]), count])}</li>
      ))}
    </ul>
  );
}

/** An attribute value inside the HTML snippet the merchant pastes: escaped for HTML. */
function htmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function BadgeSection(props: { words: PortalWords; merchant: Merchant; origin: string }) {
  const { words, merchant, origin } = props;
  const alt = words.p('certificate_badgeAlt', [listedName(merchant)]);
  const snippet =
    `<a href="${origin}/merchants/${merchant.id}">` +
    `<img src="${origin}${badgePath(merchant.id)}" alt="${htmlAttribute(alt)}" ` +
    `width="${BADGE_SIZE.width}" height="${BADGE_SIZE.height}"></a>`;
  return (
    <section aria-labelledby="badge-heading">
      <h2 id="badge-heading">{words.p('certificate_badgeHeading')}</h2>
      <p class="badge-preview">
        <img src={badgePath(merchant.id)} alt={alt} width={BADGE_SIZE.width} height={BADGE_SIZE.height} />
      </p>
      <p>{words.p('certificate_badgeLead')}</p>
      <p>{words.p('certificate_badgeCovers')}</p>
      {merchant.status === 'verified' ? null : (
        <p class="notice notice--warning">{words.p('certificate_badgeNotVerified')}</p>
      )}
      <div
        class="snippet"
        data-copy-label={words.p('certificate_copy')}
        data-copied-label={words.p('certificate_copied')}
      >
        <p>{words.p('certificate_snippetLabel')}</p>
        <code>{snippet}</code>
      </div>
    </section>
  );
}

function Certificate(props: {
  words: PortalWords;
  merchant: Merchant;
  directory: PortalDirectory;
  since: string | null;
  now: Date;
  origin: string;
  contests: readonly PublishedContest[];
}) {
  const { words, merchant, directory, since, now, origin } = props;
  const { lang } = words;
  const name = listedName(merchant);
  const domain = mainDomain(merchant);
  const display = publishedShop(domain).display;
  const tradeNames = merchant.tradeNames.length > 0 ? merchant.tradeNames.join(words.t('list_separator')) : null;
  return (
    <>
      <h1>
        <span class="caption">{words.p('certificate_caption')}</span> <bdi>{name}</bdi>
      </h1>
      <StatusSection words={words} merchant={merchant} since={since} />
      <section aria-labelledby="identity-heading">
        <h2 id="identity-heading">{words.p('certificate_identityHeading')}</h2>
        <MerchantFacts
          words={words}
          merchant={merchant}
          extra={tradeNames ? [['trade-names', words.p('certificate_tradeNames'), tradeNames]] : []}
        />
      </section>
      <section aria-labelledby="domains-heading">
        <h2 id="domains-heading">{words.p('certificate_domainsHeading')}</h2>
        <p>{words.p('certificate_domainsLead')}</p>
        <DomainList words={words} merchant={merchant} />
      </section>
      <section aria-labelledby="labels-heading">
        <h2 id="labels-heading">{words.t('popup_labelsHeading')}</h2>
        <LabelList words={words} labels={merchant.labels} now={now} />
      </section>
      <section aria-labelledby="complaints-heading">
        <h2 id="complaints-heading">{words.p('certificate_complaintsHeading')}</h2>
        <p>{words.p('certificate_complaintsLead')}</p>
        <AnswerRecordLine words={words} answers={merchant.answers} />
        <h3>{words.t('popup_complaintsHeading')}</h3>
        <div data-complaints="open">
          <ComplaintList words={words} complaints={merchant.complaints} />
        </div>
        <h3>{words.p('certificate_resolvedHeading')}</h3>
        <div data-complaints="resolved">
          <ResolvedComplaintList words={words} complaints={merchant.complaints} />
        </div>
      </section>
      <ContestOutcomes words={words} contests={props.contests} />
      <p>{words.p('certificate_verdictIntro', [display])}</p>
      <VerdictPanel
        words={words}
        verdict={mainShopVerdict(merchant, directory, now)}
        title={display}
        ascii={display !== domain ? domain : null}
      />
      <BadgeSection words={words} merchant={merchant} origin={origin} />
      <Freshness words={words} directory={directory} now={now} />
      <ul>
        <li>
          <a href={portalHref(lang, '/report', { url: `https://${domain}/` })}>{words.p('certificate_reportLink')}</a>
        </li>
        <li>
          <a href={portalHref(lang, '/merchants')}>{words.p('certificate_searchLink')}</a>
        </li>
      </ul>
    </>
  );
}

export function registerCertificatePage(app: PortalApp, deps: PortalDeps, statusDates: PublishedStatusDates): void {
  const { context } = deps;
  const publishedContests = new PublishedContests(context.db);
  // The snippet names the portal as shoppers reach it: behind a proxy that ends TLS, the
  // publisher's public address (THIQA_PUBLIC_URL), not what the service sees.
  app.get('/merchants/:id', async (c) => {
    const id = merchantSchema.shape.id.safeParse(c.req.param('id'));
    const directory = await context.published.current();
    const merchant = id.success && directory ? directory.merchant(id.data) : null;
    if (!directory || !merchant) return notFoundPage(c);
    const words = c.get('words');
    const since = (await statusDates.of(directory))(merchant);
    return sendPage(
      c,
      { words, title: words.p('certificate_title', [listedName(merchant)]), section: 'merchants' },
      <Certificate
        words={words}
        merchant={merchant}
        directory={directory}
        since={since}
        now={context.clock()}
        origin={deps.settings.publicOrigin ?? new URL(c.req.url).origin}
        contests={(await publishedContests.of(directory))(merchant.domains)}
      />,
    );
  });
}
