/** @jsxImportSource hono/jsx */
import { MAX_COMPLAINT_ID } from '../../complaints/complaint-book.ts';
import { ErrorSummary } from '../../portal/form-parts.tsx';
import { portalHref } from '../../portal/portal-layout.tsx';
import { type AnswerErrors, AnswerForm, answerSummary, readAnswerForm } from './answer-form.tsx';
import type { DeskApp, DeskContext, DeskServices } from './desk-app.tsx';
import { formField, sendDesk, sendDeskMessage } from './desk-app.tsx';
import { ANSWER_WORDS, categoryName, dayName, STAGE_WORDS } from './desk-words.ts';
import type { DeskComplaint } from './merchant-complaints.ts';

// `/merchant`: the signed-in merchant's complaints; `/merchant/complaints/<id>`: one of
// them, read and answered. Another merchant's complaint is "not found", like one that
// does not exist: the desk does not tell which numbers are someone else's.

const complaintNumber = (text: string) => {
  if (!/^[1-9]\d{0,9}$/.test(text)) return null;
  const id = Number(text);
  return id <= MAX_COMPLAINT_ID ? id : null;
};

export function registerComplaintPages(app: DeskApp, deps: DeskServices): void {
  const merchantOf = (c: DeskContext) => c.get('merchantId') as string;

  const notFound = (c: DeskContext) => {
    const words = c.get('words');
    return sendDeskMessage(
      c,
      deps,
      {
        title: words.p('desk_notFoundTitle'),
        body: <p>{words.p('desk_notFoundBody')}</p>,
        link: { href: portalHref(words.lang, '/merchant'), text: words.p('desk_listLink') },
      },
      404,
    );
  };

  app.get('/', async (c) => {
    const words = c.get('words');
    const lines = await deps.complaints.list(merchantOf(c));
    return sendDesk(
      c,
      deps,
      words.p('desk_listTitle'),
      <>
        <h1>{words.p('desk_listTitle')}</h1>
        <p class="lead">{words.p('desk_listLead')}</p>
        {lines.length === 0 ? (
          <p class="notice">{words.p('desk_listEmpty')}</p>
        ) : (
          <section class="desk-table" aria-label={words.p('desk_listTitle')} tabindex={0}>
            <table>
              <caption class="visually-hidden">{words.p('desk_listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{words.p('desk_colNumber')}</th>
                  <th scope="col">{words.p('desk_colShop')}</th>
                  <th scope="col">{words.p('desk_colCategory')}</th>
                  <th scope="col">{words.p('desk_colDate')}</th>
                  <th scope="col">{words.p('desk_colStage')}</th>
                  <th scope="col">{words.p('desk_colDeadline')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr data-complaint={line.id}>
                    <th scope="row">
                      <a href={portalHref(words.lang, `/merchant/complaints/${line.id}`)}>
                        {words.p('desk_complaintNumber', [line.id])}
                      </a>
                    </th>
                    <td>
                      <bdi dir="ltr">{line.domain}</bdi>
                    </td>
                    <td>{categoryName(words, line.category)}</td>
                    <td>{dayName(words, line.openedAt)}</td>
                    <td>{words.p(STAGE_WORDS[line.stage])}</td>
                    <td>{line.answerBy ? dayName(words, line.answerBy) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </>,
    );
  });

  const complaintPage = (
    c: DeskContext,
    complaint: DeskComplaint,
    form: { values: Record<string, string>; errors: AnswerErrors } | null,
    status: 200 | 400 | 409 = 200,
  ) => {
    const words = c.get('words');
    const title = words.p('desk_complaintTitle', [complaint.id]);
    const facts: Array<[string, string, string | null]> = [
      ['stage', words.p('desk_colStage'), words.p(STAGE_WORDS[complaint.stage])],
      ['shop', words.p('desk_colShop'), complaint.domain],
      ['category', words.p('desk_colCategory'), categoryName(words, complaint.category)],
      ['date', words.p('desk_colDate'), dayName(words, complaint.openedAt)],
      ['page', words.p('desk_pageLabel'), complaint.url],
      ['deadline', words.p('desk_colDeadline'), complaint.answerBy ? dayName(words, complaint.answerBy) : null],
    ];
    const canAnswer = complaint.status === 'open' && (complaint.stage === 'sent' || complaint.stage === 'read');
    return sendDesk(
      c,
      deps,
      form && Object.keys(form.errors).length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title,
      <>
        <ErrorSummary words={words} errors={answerSummary(form?.errors ?? {})} />
        <h1>{title}</h1>
        {c.req.query('answered') === '1' && complaint.answer ? (
          <p class="notice" role="status" data-notice="answered">
            {words.p('desk_answerSent')}
          </p>
        ) : null}
        <dl class="facts">
          {facts
            .filter((fact): fact is [string, string, string] => fact[2] !== null)
            .map(([id, term, value]) => (
              <div class="facts__row" data-fact={id}>
                <dt>{term}</dt>
                <dd>
                  <bdi dir={id === 'shop' || id === 'page' ? 'ltr' : undefined}>{value}</bdi>
                </dd>
              </div>
            ))}
        </dl>
        <section aria-labelledby="desk-summary-heading">
          <h2 id="desk-summary-heading">{words.p('desk_summaryHeading')}</h2>
          {complaint.summary ? (
            <p class="desk-text" data-summary>
              <bdi>{complaint.summary}</bdi>
            </p>
          ) : (
            <p>{words.p('desk_summaryNone')}</p>
          )}
        </section>
        <section aria-labelledby="desk-shopper-heading">
          <h2 id="desk-shopper-heading">{words.p('desk_shopperHeading')}</h2>
          {complaint.shared.length === 0 ? (
            <p data-shared="none">{words.p('desk_shopperPrivate')}</p>
          ) : (
            complaint.shared.map((shared) => (
              <dl class="facts" data-shared="yes">
                {shared.details ? (
                  <div class="facts__row">
                    <dt>{words.p('desk_shopperDetails')}</dt>
                    <dd class="desk-text">
                      <bdi>{shared.details}</bdi>
                    </dd>
                  </div>
                ) : null}
                {shared.contact ? (
                  <div class="facts__row">
                    <dt>{words.p('desk_shopperContact')}</dt>
                    <dd>
                      <bdi>{shared.contact}</bdi>
                    </dd>
                  </div>
                ) : null}
              </dl>
            ))
          )}
        </section>
        <section aria-labelledby="desk-answer-heading">
          <h2 id="desk-answer-heading">{words.p('desk_answerHeading')}</h2>
          {complaint.answer ? (
            <div data-answer={complaint.answer.kind}>
              <p>
                {words.p(ANSWER_WORDS[complaint.answer.kind].label)} — {dayName(words, complaint.answer.at)}
              </p>
              <p class="desk-text">
                <bdi>{complaint.answer.text}</bdi>
              </p>
            </div>
          ) : canAnswer ? (
            <AnswerForm
              words={words}
              action={portalHref(words.lang, `/merchant/complaints/${complaint.id}/answer`)}
              token={formField(c)}
              values={form?.values ?? {}}
              errors={form?.errors ?? {}}
            />
          ) : (
            <p>{words.p('desk_answerClosed')}</p>
          )}
        </section>
        <p>
          <a href={portalHref(words.lang, '/contest', { domain: complaint.domain, complaint: complaint.id })}>
            {words.p('desk_contestLink')}
          </a>
        </p>
      </>,
      status,
    );
  };

  app.get('/complaints/:id', async (c) => {
    const id = complaintNumber(c.req.param('id'));
    const complaint = id === null ? null : await deps.complaints.open(merchantOf(c), id);
    if (!complaint) return notFound(c);
    return complaintPage(c, complaint, null);
  });

  app.post('/complaints/:id/answer', async (c) => {
    const id = complaintNumber(c.req.param('id'));
    const merchantId = merchantOf(c);
    const complaint = id === null ? null : await deps.complaints.open(merchantId, id);
    if (id === null || !complaint) return notFound(c);
    const form = await readAnswerForm(c);
    if (!form.answer) return complaintPage(c, complaint, form, 400);
    const result = await deps.complaints.answer(merchantId, id, form.answer);
    if (!result.ok) {
      if (result.reason === 'not-found') return notFound(c);
      const again = await deps.complaints.open(merchantId, id);
      if (!again) return notFound(c);
      return complaintPage(
        c,
        again,
        { values: form.values, errors: { form: c.get('words').p('desk_answerClosed') } },
        409,
      );
    }
    return c.redirect(portalHref(c.get('words').lang, `/merchant/complaints/${id}`, { answered: '1' }), 303);
  });
}
