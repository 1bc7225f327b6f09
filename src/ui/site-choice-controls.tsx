import { useState } from 'preact/hooks';
import type { SiteChoice } from '../extension/messages.ts';
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
  return (
    <fieldset class="site-choice" data-domain={props.domain}>
      <legend>{props.heading === false ? <bdi>{props.display}</bdi> : t('popup_siteHeading')}</legend>
      <label for={`${id}-trusted`}>
        <input
          id={`${id}-trusted`}
          type="checkbox"
          checked={choice.trusted}
          onChange={(event) => void change({ trusted: (event.currentTarget as HTMLInputElement).checked })}
        />
        {t('popup_trusted')}
      </label>
      <label for={`${id}-hide`}>
        <input
          id={`${id}-hide`}
          type="checkbox"
          checked={choice.hideBadge}
          onChange={(event) => void change({ hideBadge: (event.currentTarget as HTMLInputElement).checked })}
        />
        {t('popup_hideBadge')}
      </label>
      {lookalikeShown ? (
        <label for={`${id}-lookalike`}>
          <input
            id={`${id}-lookalike`}
            type="checkbox"
            checked={choice.lookalikeDismissed}
            onChange={(event) => void change({ lookalikeDismissed: (event.currentTarget as HTMLInputElement).checked })}
          />
          {t('lookalike_dismissed')}
        </label>
      ) : null}
      {/* Only once the shopper pressed "continue" on a checkout warning: the way back. */}
      {props.initial.checkoutContinued ? (
        <label for={`${id}-checkout`}>
          <input
            id={`${id}-checkout`}
            type="checkbox"
            checked={choice.checkoutContinued}
            onChange={(event) => void change({ checkoutContinued: (event.currentTarget as HTMLInputElement).checked })}
          />
          {t('checkout_siteContinued')}
        </label>
      ) : null}
    </fieldset>
  );
}
