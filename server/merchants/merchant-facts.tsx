/** @jsxImportSource hono/jsx */
import type { MerchantStatus } from '../../src/directory/schemas.ts';
import { consoleMoment } from '../console/audit-pages.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import type { MerchantField } from '../directory/publication-preview.ts';
import { shownText } from '../portal/form-parts.tsx';
import type { MerchantView } from './merchant-lookup.ts';

// A merchant's record as staff read it in the console: every field, as the registry holds
// it (not as published: the publish page says what the next version changes).

/** The name of each field of a merchant record, on its page and in the publish preview. */
export const MERCHANT_FIELD_WORDS: Record<MerchantField, ConsoleKey> = {
  id: 'merchant_fieldId',
  legalName: 'merchant_fieldLegalName',
  tradeNames: 'merchant_fieldTradeNames',
  ice: 'merchant_fieldIce',
  rc: 'merchant_fieldRc',
  city: 'merchant_fieldCity',
  phone: 'merchant_fieldPhone',
  email: 'merchant_fieldEmail',
  domains: 'merchant_fieldDomains',
  social: 'merchant_fieldSocial',
  status: 'merchant_fieldStatus',
  verification: 'merchant_fieldVerification',
  labels: 'merchant_fieldLabels',
};

export const STATUS_WORDS: Record<MerchantStatus, ConsoleKey> = {
  verified: 'merchant_statusVerified',
  suspended: 'merchant_statusSuspended',
  revoked: 'merchant_statusRevoked',
};

const STATUS_TAGS: Record<MerchantStatus, string> = {
  verified: 'tag tag--verified',
  suspended: 'tag tag--caution',
  revoked: 'tag tag--danger',
};

export function StatusTag(props: { words: ConsoleWords; status: MerchantStatus }) {
  return (
    <span class={STATUS_TAGS[props.status]} data-status={props.status}>
      {props.words.c(STATUS_WORDS[props.status])}
    </span>
  );
}

/** The name a merchant is known by: its first trade name, else its legal name. */
export const merchantName = (record: MerchantView['record']) => record.tradeNames[0] ?? record.legalName;

export function MerchantFactsList(props: { words: ConsoleWords; merchant: MerchantView }) {
  const { words, merchant } = props;
  const { record } = merchant;
  const { c } = words;
  const none = <span class="hint">{c('merchant_none')}</span>;
  const rows: Array<[MerchantField, unknown]> = [
    ['id', <span dir="ltr">{record.id}</span>],
    ['legalName', <bdi>{shownText(record.legalName)}</bdi>],
    [
      'tradeNames',
      record.tradeNames.length > 0
        ? record.tradeNames.map((name, index) => (
            <>
              {index > 0 ? c('publish_listSeparator') : null}
              <bdi>{shownText(name)}</bdi>
            </>
          ))
        : none,
    ],
    ['ice', <span dir="ltr">{record.ice}</span>],
    ['rc', record.rc ? <bdi>{shownText(record.rc)}</bdi> : none],
    ['city', <bdi>{shownText(record.city)}</bdi>],
    ['phone', <span dir="ltr">{record.phone}</span>],
    ['email', record.email ? <span dir="ltr">{record.email}</span> : none],
    [
      'status',
      <>
        <StatusTag words={words} status={record.status} />{' '}
        {merchant.statusSince
          ? c('merchant_statusSince', [consoleMoment(merchant.statusSince, words.lang)])
          : c('merchant_statusSinceUnknown')}
      </>,
    ],
    [
      'verification',
      <>
        <bdi>{shownText(record.verification.by)}</bdi>
        {c('merchant_verifiedOn', [record.verification.at, record.verification.methods.join(', ')])}
      </>,
    ],
    [
      'social',
      record.social.length > 0 ? (
        <ul class="plain-list">
          {record.social.map((entry) => (
            <li>
              {entry.network}: <bdi>{shownText(entry.handle)}</bdi>
            </li>
          ))}
        </ul>
      ) : (
        none
      ),
    ],
    [
      'labels',
      record.labels.length > 0 ? (
        <ul class="plain-list">
          {record.labels.map((label) => (
            <li data-label={label.kind}>
              <span dir="ltr">{label.kind}</span> — <bdi>{shownText(label.issuer)}</bdi>
              {label.reference ? (
                <>
                  {' '}
                  <bdi dir="ltr">{shownText(label.reference)}</bdi>
                </>
              ) : null}
              {label.validUntil ? c('merchant_labelUntil', [label.validUntil]) : null}
            </li>
          ))}
        </ul>
      ) : (
        none
      ),
    ],
  ];
  return (
    <dl class="facts">
      {rows.map(([field, value]) => (
        <div class="facts__row" data-fact={field}>
          <dt>{c(MERCHANT_FIELD_WORDS[field])}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
