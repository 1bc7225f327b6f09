/** @jsxImportSource hono/jsx */
import { REPORT_REASON } from '../../src/ui/verdict-words.ts';
import type { PortalApp, PortalDeps } from '../portal/portal-app.tsx';
import { sendPage } from '../portal/portal-layout.tsx';
import type { PortalKey, PortalWords } from '../portal/portal-words.ts';
import { BarChart, type ChartBar } from './open-data-charts.tsx';
import { storedOpenDataRelease } from './open-data-release.ts';
import {
  type ComplaintsByMonthRow,
  type MerchantRow,
  type ModerationRow,
  OPEN_DATA_JSON,
  type OpenDataRelease,
  openDataReleaseSchema,
} from './open-data-schema.ts';

// /open-data: the latest release as charts, each beside a table of the same numbers, and
// the files to download. Read from the database, as the files are served.

/** The charts show the latest months; the files hold them all. */
const CHART_MONTHS = 12;

const DOWNLOADS: ReadonlyArray<{ file: string; words: PortalKey }> = [
  { file: OPEN_DATA_JSON, words: 'opendata_fileJson' },
  { file: 'complaints-by-month.csv', words: 'opendata_fileComplaints' },
  { file: 'merchants.csv', words: 'opendata_fileMerchants' },
  { file: 'moderation.csv', words: 'opendata_fileModeration' },
  { file: 'contests.csv', words: 'opendata_fileContests' },
];

const SHARE_BUCKETS: ReadonlyArray<[number, number]> = [
  [0, 20],
  [20, 40],
  [40, 60],
  [60, 80],
  [80, 100],
];

function monthName(month: string, lang: string): string {
  return new Intl.DateTimeFormat(`${lang}-MA`, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}

function formatNumber(value: number, lang: string): string {
  return new Intl.NumberFormat(`${lang}-MA`, { maximumFractionDigits: 1 }).format(value);
}

/** A count cell: the number, or "not published" where it is suppressed. */
function count(value: number | null, words: PortalWords): string {
  return value === null ? words.p('opendata_withheld') : formatNumber(value, words.lang);
}

const latestMonths = <T extends { month: string }>(rows: readonly T[]): string[] =>
  [...new Set(rows.map((row) => row.month))].sort().slice(-CHART_MONTHS);

function Section(props: { id: string; heading: string; children?: unknown }) {
  return (
    <section class="open-data__section" aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.heading}</h2>
      {props.children}
    </section>
  );
}

function Table(props: { id: string; caption: string; head: string[]; rows: string[][] }) {
  return (
    <section class="table-scroll" aria-labelledby={`${props.id}-caption`} tabindex={0}>
      <table class="data-table">
        <caption id={`${props.id}-caption`}>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((cell) => (
              <th scope="col">{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([first, ...rest]) => (
            <tr>
              <th scope="row">{first}</th>
              {rest.map((cell) => (
                <td>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function chartDesc(words: PortalWords, key: PortalKey, months: string[]): string {
  const first = months[0];
  const last = months.at(-1);
  return first && last ? words.p(key, [monthName(first, words.lang), monthName(last, words.lang)]) : '';
}

function ComplaintsSection(props: { words: PortalWords; rows: readonly ComplaintsByMonthRow[] }) {
  const { words, rows } = props;
  const months = latestMonths(rows);
  if (months.length === 0) return <p>{words.p('opendata_noData')}</p>;
  const shown = rows.filter((row) => months.includes(row.month));
  const totals = months.map((month) =>
    shown.filter((row) => row.month === month).reduce((sum, row) => sum + (row.opened ?? 0), 0),
  );
  const bars: ChartBar[] = months.map((month, index) => ({
    label: monthName(month, words.lang),
    value: totals[index] ?? 0,
    text: formatNumber(totals[index] ?? 0, words.lang),
  }));
  return (
    <>
      <BarChart
        id="complaints-chart"
        title={words.p('opendata_complaintsChartTitle')}
        desc={chartDesc(words, 'opendata_complaintsChartDesc', months)}
        bars={bars}
        rtl={words.dir === 'rtl'}
      />
      <Table
        id="complaints-table"
        caption={words.p('opendata_complaintsTableCaption')}
        head={[words.p('opendata_month'), words.p('opendata_opened')]}
        rows={bars.map((bar) => [bar.label, bar.text])}
      />
      <Table
        id="categories-table"
        caption={words.p('opendata_categoryTableCaption')}
        head={[
          words.p('opendata_month'),
          words.p('opendata_category'),
          words.p('opendata_opened'),
          words.p('opendata_resolved'),
          words.p('opendata_unanswered'),
          words.p('opendata_unfounded'),
        ]}
        rows={shown.map((row) => [
          monthName(row.month, words.lang),
          words.p(REPORT_REASON[row.category]),
          count(row.opened, words),
          count(row.resolved, words),
          count(row.unanswered, words),
          count(row.unfounded, words),
        ])}
      />
    </>
  );
}

function AnswersSection(props: { words: PortalWords; merchants: readonly MerchantRow[] }) {
  const { words } = props;
  const shares = props.merchants.flatMap((merchant) => (merchant.answerShare === null ? [] : [merchant.answerShare]));
  if (shares.length === 0) return <p>{words.p('opendata_noData')}</p>;
  const bars: ChartBar[] = SHARE_BUCKETS.map(([from, to]) => {
    const merchants = shares.filter((share) => share * 100 >= from && (share * 100 < to || to === 100)).length;
    return {
      label: words.p('opendata_shareBucket', [from, to]),
      value: merchants,
      text: formatNumber(merchants, words.lang),
    };
  });
  return (
    <>
      <BarChart
        id="answers-chart"
        title={words.p('opendata_answersChartTitle')}
        desc={words.p('opendata_answersChartDesc')}
        bars={bars}
        rtl={words.dir === 'rtl'}
      />
      <Table
        id="answers-table"
        caption={words.p('opendata_answersTableCaption')}
        head={[words.p('opendata_shareRange'), words.p('opendata_merchantsCount')]}
        rows={bars.map((bar) => [bar.label, bar.text])}
      />
    </>
  );
}

function ModerationSection(props: { words: PortalWords; rows: readonly ModerationRow[] }) {
  const { words } = props;
  const months = latestMonths(props.rows);
  if (months.length === 0) return <p>{words.p('opendata_noData')}</p>;
  const shown = props.rows.filter((row) => months.includes(row.month));
  const days = (value: number | null) =>
    value === null
      ? words.p('opendata_tooFewDecisions')
      : words.p('opendata_daysValue', [formatNumber(value, words.lang)]);
  return (
    <>
      <BarChart
        id="moderation-chart"
        title={words.p('opendata_moderationChartTitle')}
        desc={chartDesc(words, 'opendata_moderationChartDesc', months)}
        bars={shown.map((row) => ({
          label: monthName(row.month, words.lang),
          value: row.medianDaysToDecision,
          text: days(row.medianDaysToDecision),
        }))}
        rtl={words.dir === 'rtl'}
      />
      <Table
        id="moderation-table"
        caption={words.p('opendata_moderationTableCaption')}
        head={[
          words.p('opendata_month'),
          words.p('opendata_received'),
          words.p('opendata_accepted'),
          words.p('opendata_rejected'),
          words.p('opendata_withdrawn'),
          words.p('opendata_medianDays'),
        ]}
        rows={shown.map((row) => [
          monthName(row.month, words.lang),
          count(row.received, words),
          count(row.accepted, words),
          count(row.rejected, words),
          count(row.withdrawn, words),
          days(row.medianDaysToDecision),
        ])}
      />
    </>
  );
}

function Release(props: { words: PortalWords; release: OpenDataRelease }) {
  const { words, release } = props;
  const day = new Intl.DateTimeFormat(`${words.lang}-MA`, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(release.publishedAt),
  );
  return (
    <>
      <p>{words.p('opendata_release', [release.version, day])}</p>
      <p>{words.p('opendata_suppression')}</p>
      <Section id="complaints" heading={words.p('opendata_complaintsHeading')}>
        <ComplaintsSection words={words} rows={release.complaintsByMonth} />
      </Section>
      <Section id="answers" heading={words.p('opendata_answersHeading')}>
        <AnswersSection words={words} merchants={release.merchants} />
      </Section>
      <Section id="moderation" heading={words.p('opendata_moderationHeading')}>
        <ModerationSection words={words} rows={release.moderation} />
      </Section>
      <Section id="downloads" heading={words.p('opendata_downloadsHeading')}>
        <p>{words.p('opendata_downloadsLead')}</p>
        <ul>
          {DOWNLOADS.map((download) => (
            <li>
              <a href={`/v1/open-data/${release.version}/${download.file}`} download={download.file}>
                {words.p(download.words)}
              </a>{' '}
              <span dir="ltr">({download.file})</span>
            </li>
          ))}
          <li>
            <a href="/v1/open-data/schema.json">{words.p('opendata_fileSchema')}</a>
          </li>
        </ul>
      </Section>
    </>
  );
}

export function registerOpenDataPage(app: PortalApp, deps: PortalDeps) {
  app.get('/open-data', async (c) => {
    const words = c.get('words');
    const stored = await storedOpenDataRelease(deps.context.db, 'latest');
    // Our own stored JSON, validated when it was published and again here before it is drawn.
    const release = stored ? openDataReleaseSchema.parse(JSON.parse(stored.text)) : null;
    return sendPage(
      c,
      { words, title: words.p('opendata_title') },
      <div class="open-data">
        <h1>{words.p('opendata_title')}</h1>
        <p class="lead">{words.p('opendata_lead')}</p>
        {release ? <Release words={words} release={release} /> : <p>{words.p('opendata_empty')}</p>}
      </div>,
    );
  });
}
