/** @jsxImportSource hono/jsx */
import { z } from 'zod';
import { DEFAULT_POLICY, type MerchantStatus } from '../../src/directory/schemas.ts';
import { formatDate, methodWords, moroccanLocale } from '../../src/ui/verdict-words.ts';
import { DomainName, Facts } from '../applications/application-review-views.tsx';
import {
  checkSummaryErrors,
  PhoneCheckFields,
  RegisterCheckFields,
} from '../applications/verification-check-fields.tsx';
import {
  type CheckError,
  type CheckValues,
  type Posted,
  readPhoneCheck,
  readRegisterCheck,
  registerOfRc,
} from '../applications/verification-checks.ts';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import { postedFields } from '../http/form-guard.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { statusWords } from '../portal/merchant-status.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import {
  type DueMerchant,
  findMerchant,
  merchantsDue,
  REVERIFY_NOTICE_DAYS,
  reverifyMerchant,
} from './reverification.ts';

// `/admin/reverify`: verified merchants whose verification is about to turn their verdict
// to caution, or has, oldest first with the days left; and `/admin/reverify/<id>`: the
// register check and phone call that renew a verification. Permission 'verify'.

const merchantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const LIST_PATH = '/admin/reverify';

/** "turns to caution in 9 days", "turned today", "turned 40 days ago": each language's own plurals. */
function standing(words: ConsoleWords, merchant: DueMerchant): string {
  const relative = new Intl.RelativeTimeFormat(moroccanLocale(words.lang), { numeric: 'auto' }).format(
    merchant.daysLeft,
    'day',
  );
  return words.c(merchant.daysLeft > 0 ? 'reverify_turnsIn' : 'reverify_turned', [relative]);
}

export function registerReverification(app: ConsoleApp, deps: ConsoleDeps) {
  const { context } = deps;
  const verify = requirePermission('verify');

  app.get('/reverify', verify, async (c) => {
    const words = c.get('words');
    const merchants = await merchantsDue(context.db, context.clock());
    const title = words.c('console_navReverify');
    const done =
      c.req.query('done') === 'renewed' ? merchantIdSchema.safeParse(c.req.query('merchant')).data : undefined;
    return sendConsole(
      c,
      { title, section: 'reverify' },
      <>
        <h1>{title}</h1>
        <p>{words.c('reverify_intro', [DEFAULT_POLICY.maxVerificationAgeDays, REVERIFY_NOTICE_DAYS])}</p>
        {done ? (
          <p class="notice" role="status" data-done="renewed">
            {words.c('reverify_done')} <bdi dir="ltr">{done}</bdi>
          </p>
        ) : null}
        {merchants.length === 0 ? (
          <p class="notice">{words.c('reverify_empty', [REVERIFY_NOTICE_DAYS])}</p>
        ) : (
          <ScrollingTable
            caption={words.c('reverify_caption')}
            data={{ 'data-reverify': true }}
            columns={[
              words.c('reverify_merchantColumn'),
              words.c('reverify_verifiedColumn'),
              words.c('reverify_cautionColumn'),
              words.c('reverify_standingColumn'),
            ]}
          >
            {merchants.map((merchant) => (
              <tr data-merchant={merchant.id} data-days-left={merchant.daysLeft}>
                <th scope="row">
                  <a href={portalHref(words.lang, `${LIST_PATH}/${merchant.id}`)}>
                    <bdi>{merchant.record.legalName}</bdi>
                  </a>
                </th>
                <td>{formatDate(merchant.record.verification.at, words.lang)}</td>
                <td>{formatDate(merchant.cautionFrom, words.lang)}</td>
                <td>
                  <span class={merchant.daysLeft <= 0 ? 'tag tag--caution' : undefined}>
                    {standing(words, merchant)}
                  </span>
                </td>
              </tr>
            ))}
          </ScrollingTable>
        )}
      </>,
    );
  });

  function formPage(
    c: ConsoleContext,
    merchant: DueMerchant,
    form: { values: CheckValues; errors: CheckError[]; notice?: string },
    status: 200 | 400 | 422 = 200,
  ) {
    const words = c.get('words');
    const { c: say, lang } = words;
    const record = merchant.record;
    const token = c.get('guard').hiddenField(c);
    return sendConsole(
      c,
      { title: say('reverify_merchantTitle', [record.legalName]), section: 'reverify' },
      <>
        <ErrorSummary words={words} errors={checkSummaryErrors(form.errors)} />
        {form.notice ? (
          <p class="notice notice--warning" role="alert" data-not-renewed>
            {form.notice}
          </p>
        ) : null}
        <p>
          <a href={portalHref(lang, LIST_PATH)}>{say('reverify_backToList')}</a>
        </p>
        <h1>
          {say('reverify_heading')} <bdi>{record.legalName}</bdi>
        </h1>
        <Facts
          rows={[
            { id: 'ice', term: say('review_ice'), value: record.ice, ltr: true },
            { id: 'rc', term: say('review_rcNumberLabel'), value: record.rc ?? '—' },
            { id: 'phone', term: say('review_phone'), value: record.phone, ltr: true },
            {
              id: 'domains',
              term: say('review_domains'),
              value: (
                <ul>
                  {record.domains.map((domain) => (
                    <li>
                      <DomainName domain={domain} />
                    </li>
                  ))}
                </ul>
              ),
            },
            {
              id: 'verification',
              term: say('reverify_lastVerification'),
              value: say('reverify_verifiedBy', [
                formatDate(record.verification.at, lang),
                record.verification.by,
                methodWords(record.verification.methods, words),
              ]),
            },
            { id: 'standing', term: say('reverify_standingColumn'), value: standing(words, merchant) },
          ]}
        />
        <form method="post" action={portalHref(lang, `${LIST_PATH}/${merchant.id}`)} novalidate>
          <input type="hidden" name={token.name} value={token.value} />
          <h2>{say('review_registerHeading')}</h2>
          <RegisterCheckFields words={words} values={form.values} errors={form.errors} />
          <h2>{say('review_phoneHeading')}</h2>
          <PhoneCheckFields words={words} values={form.values} errors={form.errors} />
          <p>{say('reverify_submitExplain')}</p>
          <button type="submit" class="button">
            {say('reverify_submit')}
          </button>
        </form>
      </>,
      status,
    );
  }

  const merchantOf = async (c: ConsoleContext) => {
    const id = merchantIdSchema.safeParse(c.req.param('id'));
    return id.success ? findMerchant(context.db, id.data, context.clock()) : null;
  };
  const notFound = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('reverify_notFoundTitle'),
        body: words.c('reverify_notFoundBody'),
        link: { href: portalHref(words.lang, LIST_PATH), text: words.c('reverify_backToList') },
      },
      404,
    );
  };
  const notVerified = (c: ConsoleContext, status: MerchantStatus) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('reverify_notVerifiedTitle'),
        body: words.c('reverify_notVerifiedBody', [statusWords(words, status, null)]),
        link: { href: portalHref(words.lang, LIST_PATH), text: words.c('reverify_backToList') },
      },
      409,
    );
  };

  app.get('/reverify/:id', verify, async (c) => {
    const merchant = await merchantOf(c);
    if (!merchant) return notFound(c);
    if (merchant.record.status !== 'verified') return notVerified(c, merchant.record.status);
    return formPage(c, merchant, {
      values: { ...registerOfRc(merchant.record.rc), phone: merchant.record.phone },
      errors: [],
    });
  });

  app.post('/reverify/:id', verify, async (c) => {
    const merchant = await merchantOf(c);
    if (!merchant) return notFound(c);
    const words = c.get('words');
    const staff = c.get('staff');
    const now = context.clock();
    const posted = (await postedFields(c)) as Posted;
    const register = readRegisterCheck(posted, words, staff, now);
    const phone = readPhoneCheck(posted, words, staff, now);
    const values = { ...register.values, ...phone.values };
    if (!register.check || !phone.check) {
      return formPage(c, merchant, { values, errors: [...register.errors, ...phone.errors] }, 400);
    }
    const result = await reverifyMerchant(
      context.db,
      merchant.id,
      { register: register.check, phone: phone.check },
      { name: staff.name, email: consoleActor(staff) },
      now,
    );
    if (result.outcome === 'not-found') return notFound(c);
    if (result.outcome === 'not-verified') return notVerified(c, result.status);
    if (result.outcome === 'not-renewed') {
      // Recorded in the audit log; the verification keeps its date.
      return formPage(c, merchant, { values, errors: [], notice: words.c('reverify_notRenewed') }, 422);
    }
    return redirectAfterPost(c, LIST_PATH, { done: 'renewed', merchant: merchant.id });
  });
}
