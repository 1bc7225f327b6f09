/** @jsxImportSource hono/jsx */
import { portalHref } from '../../portal/portal-layout.tsx';
import {
  type DeskApp,
  type DeskContext,
  type DeskServices,
  formField,
  openDeskSession,
  sendDesk,
  sendDeskMessage,
} from './desk-app.tsx';

// `/merchant/link/<token>`, the link a complaint's mail holds. Opening it (GET) shows a
// button and spends nothing: mail scanners and link previews open links. The button
// (POST) spends the link, opens a session and leads to the complaint.

export function registerLinkPages(app: DeskApp, deps: DeskServices): void {
  const spentPage = (c: DeskContext, reason: 'used' | 'expired' | 'unknown') => {
    const words = c.get('words');
    const title = words.p(reason === 'unknown' ? 'desk_linkUnknownTitle' : 'desk_linkSpentTitle');
    return sendDeskMessage(
      c,
      deps,
      {
        title,
        body: (
          <>
            <p data-link={reason}>
              {words.p(
                reason === 'used' ? 'desk_linkUsed' : reason === 'expired' ? 'desk_linkExpired' : 'desk_linkUnknown',
              )}
            </p>
            <p>{words.p('desk_linkFreshEachMail')}</p>
            <p>{words.p('desk_linkAccountHint')}</p>
          </>
        ),
        link: { href: portalHref(words.lang, '/merchant/sign-in'), text: words.p('desk_signInLink') },
      },
      reason === 'unknown' ? 404 : 410,
    );
  };

  app.get('/link/:token', async (c) => {
    const token = c.req.param('token');
    const state = await deps.desk.linkState(token);
    if (state !== 'open') return spentPage(c, state);
    const words = c.get('words');
    const field = formField(c);
    return sendDesk(
      c,
      deps,
      words.p('desk_linkTitle'),
      <>
        <h1>{words.p('desk_linkTitle')}</h1>
        <p>{words.p('desk_linkIntro')}</p>
        <form method="post" action={portalHref(words.lang, `/merchant/link/${token}`)}>
          <input type="hidden" name={field.name} value={field.value} />
          <button type="submit" class="button">
            {words.p('desk_linkButton')}
          </button>
        </form>
        <p class="hint">{words.p('desk_linkOnce')}</p>
      </>,
    );
  });

  app.post('/link/:token', async (c) => {
    const result = await deps.desk.redeem(c.req.param('token'));
    if (!result.ok) return spentPage(c, result.reason);
    await openDeskSession(c, deps, result.sessionToken);
    const lang = c.get('words').lang;
    const path = result.complaintId === null ? '/merchant' : `/merchant/complaints/${result.complaintId}`;
    return c.redirect(portalHref(lang, path), 303);
  });
}
