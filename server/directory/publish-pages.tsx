/** @jsxImportSource hono/jsx */

import type { AnswerRecord } from '../../src/directory/schemas.ts';
import { moroccanLocale } from '../../src/ui/verdict-words.ts';
import { consoleMoment } from '../console/audit-pages.tsx';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
} from '../console/console-app.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { MERCHANT_FIELD_WORDS } from '../merchants/merchant-facts.tsx';
import { shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import { type FlagField, type PublicationPreview, previewPublication } from './publication-preview.ts';
import { publishDirectory } from './publisher.ts';
import { loadSigningKeys } from './signing-keys.ts';

// `/admin/publish`: what the next version of the directory changes, then publishing it.
// The form carries the preview it was made from (version and digest); the publisher
// refuses it if the registry moved on meanwhile, and the moderator reads a fresh preview.

const FLAG_FIELD_WORDS: Record<FlagField, ConsoleKey> = {
  reason: 'publish_flagReason',
  since: 'publish_flagSince',
  summary: 'publish_flagSummary',
};

const previewToken = (preview: PublicationPreview) => `${preview.nextVersion}:${preview.digest}`;

function readToken(value: unknown): { version: number; digest: string } | null {
  const match = typeof value === 'string' ? /^([1-9]\d{0,9}):([0-9a-f]{64})$/.exec(value) : null;
  return match ? { version: Number(match[1]), digest: match[2] as string } : null;
}

function answerRecordWords(words: ConsoleWords, record: AnswerRecord | null): string {
  const { c, lang } = words;
  if (record === null) return c('publish_answerRecordNoneSent');
  if (record.medianDays === null) return c('publish_answerRecordNoneAnswered', [record.sent]);
  const days = new Intl.NumberFormat(moroccanLocale(lang), { maximumFractionDigits: 1 }).format(record.medianDays);
  return c('publish_answerRecord', [record.answered, record.sent, days]);
}

function Names(props: { words: ConsoleWords; list: ReadonlyArray<{ id: string; name: string }> }) {
  return (
    <ul>
      {props.list.map((entry) => (
        <li data-merchant={entry.id}>
          <a href={portalHref(props.words.lang, `/admin/merchants/${entry.id}`)}>
            <bdi>{shownText(entry.name)}</bdi>
          </a>{' '}
          (<span dir="ltr">{entry.id}</span>)
        </li>
      ))}
    </ul>
  );
}

function Section(props: { title: string; id: string; count: number; children?: unknown }) {
  if (props.count === 0) return null;
  return (
    <section aria-labelledby={props.id} data-change={props.id}>
      <h3 id={props.id}>{props.title}</h3>
      {props.children}
    </section>
  );
}

function PreviewView(props: { words: ConsoleWords; preview: PublicationPreview }) {
  const { words, preview } = props;
  const { c, lang } = words;
  const { merchants, flags, complaints } = preview;
  const list = (keys: readonly ConsoleKey[]) => keys.map((key) => c(key)).join(c('publish_listSeparator'));
  return (
    <section aria-labelledby="preview-heading" class="publish-preview">
      <h2 id="preview-heading">{c('publish_previewHeading', [preview.nextVersion])}</h2>
      <p data-latest-version={preview.latest?.version ?? ''}>
        {preview.latest
          ? c('publish_latest', [preview.latest.version, consoleMoment(preview.latest.publishedAt, lang)])
          : c('publish_first')}
      </p>
      {preview.unchanged ? (
        <p class="notice" data-unchanged="true">
          {c('publish_nothingChanged')}
        </p>
      ) : null}
      {preview.settingsChanged ? <p class="notice">{c('publish_settingsChanged')}</p> : null}
      <Section title={c('publish_merchantsAdded')} id="merchants-added" count={merchants.added.length}>
        <Names words={words} list={merchants.added} />
      </Section>
      <Section title={c('publish_merchantsChanged')} id="merchants-changed" count={merchants.changed.length}>
        <ul>
          {merchants.changed.map((entry) => (
            <li data-merchant={entry.id}>
              <a href={portalHref(lang, `/admin/merchants/${entry.id}`)}>
                <bdi>{shownText(entry.name)}</bdi>
              </a>
              {c('publish_fieldsChanged', [list(entry.fields.map((field) => MERCHANT_FIELD_WORDS[field]))])}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={c('publish_merchantsRemoved')} id="merchants-removed" count={merchants.removed.length}>
        <Names words={words} list={merchants.removed} />
      </Section>
      <Section title={c('publish_flagsAdded')} id="flags-added" count={flags.added.length}>
        <ul>
          {flags.added.map((flag) => (
            <li data-flag={flag.domain}>
              <bdi dir="ltr">{flag.domain}</bdi> — <bdi>{shownText(flag.summary)}</bdi>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={c('publish_flagsChanged')} id="flags-changed" count={flags.changed.length}>
        <ul>
          {flags.changed.map((flag) => (
            <li data-flag={flag.domain}>
              <bdi dir="ltr">{flag.domain}</bdi>
              {c('publish_fieldsChanged', [list(flag.fields.map((field) => FLAG_FIELD_WORDS[field]))])}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={c('publish_flagsRemoved')} id="flags-removed" count={flags.removed.length}>
        <ul>
          {flags.removed.map((flag) => (
            <li data-flag={flag.domain}>
              <bdi dir="ltr">{flag.domain}</bdi>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={c('publish_complaintsChanged')} id="complaints-changed" count={complaints.length}>
        <ScrollingTable
          caption={c('publish_complaintsChanged')}
          hiddenCaption
          columns={[
            c('publish_columnShop'),
            c('publish_columnOpen'),
            c('publish_columnResolved'),
            c('publish_columnAnswers'),
          ]}
        >
          {complaints.map((change) => (
            <tr data-complaints={change.key}>
              <th scope="row">
                <bdi dir={change.kind === 'domain' ? 'ltr' : undefined}>{shownText(change.name)}</bdi>
              </th>
              <td>{c('publish_countChange', [change.before.open, change.after.open])}</td>
              <td>{c('publish_countChange', [change.before.resolved, change.after.resolved])}</td>
              <td data-answers={change.answers ? '' : undefined}>
                {change.answers
                  ? c('publish_countChange', [
                      answerRecordWords(words, change.answers.before),
                      answerRecordWords(words, change.answers.after),
                    ])
                  : null}
              </td>
            </tr>
          ))}
        </ScrollingTable>
      </Section>
    </section>
  );
}

async function publishPage(c: ConsoleContext, deps: ConsoleDeps, status: 200 | 409 = 200) {
  const words = c.get('words');
  const preview = await previewPublication(deps.context.db);
  const field = c.get('guard').hiddenField(c);
  const published = Number(c.req.query('published'));
  const title = words.c('publish_title');
  return sendConsole(
    c,
    { title, section: 'publish' },
    <>
      {status === 409 ? (
        <div class="error-summary" role="alert" tabindex={-1} data-stale="preview">
          <h2>{words.c('publish_staleTitle')}</h2>
          <p>{words.c('publish_staleBody')}</p>
        </div>
      ) : null}
      <h1>{title}</h1>
      {status === 200 && Number.isInteger(published) && published > 0 ? (
        <p class="notice" role="status" data-published={published}>
          {words.c('publish_done', [published])}
        </p>
      ) : null}
      <p>{words.c('publish_intro')}</p>
      <PreviewView words={words} preview={preview} />
      {preview.unchanged ? null : (
        <form method="post" action={portalHref(words.lang, '/admin/publish')}>
          <input type="hidden" name={field.name} value={field.value} />
          <input type="hidden" name="preview" value={previewToken(preview)} />
          <button type="submit" class="button">
            {words.c('publish_button', [preview.nextVersion])}
          </button>
        </form>
      )}
    </>,
    status,
  );
}

export function registerPublishPages(app: ConsoleApp, deps: ConsoleDeps) {
  const { context } = deps;
  app.get('/publish', requirePermission('moderate'), (c) => publishPage(c, deps));

  app.post('/publish', requirePermission('moderate'), async (c) => {
    const words = c.get('words');
    const expected = readToken((await postedFields(c)).preview);
    if (!expected) return publishPage(c, deps, 409);
    try {
      // The admin API's publish (admin-publication-routes.ts), with the console's actor.
      const result = await publishDirectory(context.db, {
        dataDir: context.dataDir,
        keys: await loadSigningKeys(context.dataDir),
        now: context.clock(),
        actor: consoleActor(c.get('staff')),
        expected,
      });
      const version = result.published ? result.manifest.version : result.version;
      return redirectAfterPost(c, '/admin/publish', { published: String(version) });
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.kind === 'conflict') return publishPage(c, deps, 409);
      if (error.kind !== 'unavailable') throw error;
      const title = words.c('publish_noKeysTitle');
      return sendConsole(
        c,
        { title, section: 'publish' },
        <>
          <h1>{title}</h1>
          <p>{words.c('publish_noKeysBody')}</p>
        </>,
        503,
      );
    }
  });
}
