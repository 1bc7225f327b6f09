import { useState } from 'preact/hooks';
import type { SiteChoice } from '../extension/messages.ts';
import type { MessageKey } from './locale-messages.ts';
import { useSendRequest } from './request-context.ts';
import { useTranslator } from './translator-context.ts';

/**
 * "I trust this shop" and "hide the in-page badge" for one site, and a dismissed look-alike
 * warning where there is one; each undoes with one click.
 */
export function SiteChoiceControls(props: { domain: string; display: string; initial: SiteChoice; heading?: boolean }) {
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const [choice, setChoice] = useState(props.initial);
  // Shown only where the shopper dismissed a look-alike warning, and kept while they undo it.
  const [lookalikeShown] = useState(props.initial.lookalikeDismissed);
  const change = async (patch: Partial<SiteChoice>) => {
    setChoice(await sendRequest({ type: 'setSiteChoice', domain: props.domain, ...patch }));
  };
  const id = `site-${props.domain.replace(/[^a-z0-9]/g, '-')}`;
  /** One choice as a checkbox: ticking or unticking it is the whole change. */
  const box = (field: keyof SiteChoice, label: MessageKey) => (
    <label for={`${id}-${field}`}>
      <input
        id={`${id}-${field}`}
        type="checkbox"
        checked={choice[field]}
        onChange={(event) => void change({ [field]: (event.currentTarget as HTMLInputElement).checked })}
      />
      {t(label)}
    </label>
  );
  return (
    <fieldset class="site-choice" data-domain={props.domain}>
      <legend>{props.heading === false ? <bdi>{props.display}</bdi> : t('popup_siteHeading')}</legend>
      {box('trusted', 'popup_trusted')}
      {box('hideBadge', 'popup_hideBadge')}
      {lookalikeShown ? box('lookalikeDismissed', 'lookalike_dismissed') : null}
      {/* Only once the shopper pressed "continue" on a checkout warning: the way back. */}
      {props.initial.checkoutContinued ? box('checkoutContinued', 'checkout_siteContinued') : null}
    </fieldset>
  );
}
