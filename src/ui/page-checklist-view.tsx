import type { PageView } from '../extension/messages.ts';
import { useTranslator } from './translator-context.ts';
import { LEGAL_MENTION } from './verdict-words.ts';

/**
 * "What this shop says about itself": law 31-08's mentions found on the page (or on the
 * one legal page of the shop read with it), each shown or missing. Information, not a
 * verdict: Thiqa checked none of it, and says so.
 */
export function PageChecklist(props: { page: PageView }) {
  const { t } = useTranslator();
  const { checklist, evidence } = props.page;
  return (
    <section aria-labelledby="legal-heading" class="legal-checklist">
      <h2 id="legal-heading">{t('legal_heading')}</h2>
      <p>{t('legal_intro')}</p>
      <ul class="checklist">
        {checklist.map(({ mention, present }) => (
          <li key={mention} data-mention={mention} data-present={present} class={present ? 'present' : 'missing'}>
            <span aria-hidden="true">{present ? '✓' : '✗'}</span> {t(LEGAL_MENTION[mention])}
            {' — '}
            <span class="checklist__state">{t(present ? 'legal_present' : 'legal_missing')}</span>
          </li>
        ))}
      </ul>
      {evidence.legalPagePath ? (
        <p class="legal-checklist__source">
          {t('legal_readFrom')}
          <bdi dir="ltr">{evidence.legalPagePath}</bdi>
        </p>
      ) : null}
    </section>
  );
}
