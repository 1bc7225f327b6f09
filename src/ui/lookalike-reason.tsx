import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';
import { shopIdentity } from '../directory/shop-identity.ts';
import type { VerdictReason } from '../directory/verdict.ts';
import { useTranslator } from './translator-context.ts';
import { reasonWords } from './verdict-words.ts';

type LookalikeReasonCode = Extract<VerdictReason, { code: 'lookalike' }>;

/**
 * "Looks like <verified domain>", with the way to the real merchant's certificate and the
 * shopper's way out when they know better: "this is not an imitation" quiets it for the site.
 */
export function LookalikeReason(props: { reason: LookalikeReasonCode; portalUrl: string; onDismiss: () => void }) {
  const translator = useTranslator();
  const { t, lang } = translator;
  const { reason } = props;
  const display = shopIdentity(reason.of)?.display ?? reason.of;
  return (
    <span class="lookalike">
      {reasonWords(reason, translator)}{' '}
      <a
        href={portalAddress(props.portalUrl, PORTAL_PATHS.certificate(reason.merchantId), lang)}
        target="_blank"
        rel="noreferrer"
        data-lookalike-certificate={reason.merchantId}
      >
        {t('lookalike_certificateLink', [display])}
      </a>{' '}
      <button type="button" class="lookalike__dismiss" onClick={props.onDismiss}>
        {t('lookalike_dismiss')}
      </button>
    </span>
  );
}
