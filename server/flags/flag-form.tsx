/** @jsxImportSource hono/jsx */
import { flagReasonSchema } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { type FieldErrors, GuardField, SelectField, TextField } from '../console/console-fields.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import type { PostedForm } from '../console/posted-form.ts';
import { textProblem } from '../console/posted-form.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { reasonWords, ShopName } from '../reports/report-queue-views.tsx';
import { flagDomainSchema } from './flagged-domains.ts';

// The flag form (add, and change with the domain fixed): what was typed, read into
// FlaggedDomains' own schema, or a message for each field in words a moderator can act on.

/** The flag summary's bound: the directory's own (flaggedDomainSchema). */
export const MAX_SUMMARY_LENGTH = 500;
/** Longer than any domain or address worth reading. */
const MAX_DOMAIN_INPUT = 2000;

export interface FlagFormValues {
  domain: string;
  reason: string;
  summary: string;
  since: string;
}

export const emptyFlagForm: FlagFormValues = { domain: '', reason: '', summary: '', since: '' };

export function readFlagForm(form: PostedForm): FlagFormValues {
  return {
    domain: form.text('domain'),
    reason: form.text('reason'),
    summary: form.text('summary'),
    since: form.text('since'),
  };
}

/** The flag a valid form asks for, or the message of each field in error (by field id). */
export function checkFlagForm(
  words: ConsoleWords,
  values: FlagFormValues,
  options: { withDomain: boolean; today: string },
): { domain: string | null; flag: ReturnType<typeof flagDomainSchema.parse> } | { errors: Map<string, string> } {
  const errors = new Map<string, string>();
  let domain: string | null = null;
  if (options.withDomain) {
    const typed = values.domain.trim();
    if (typed === '') errors.set('flag-domain', words.c('flags_domainMissing'));
    else if (typed.length > MAX_DOMAIN_INPUT) errors.set('flag-domain', words.c('flags_domainInvalid'));
    else {
      const shop = resolveShopIdentity(typed, SERVICE_PLATFORMS);
      if (shop.ok) domain = shop.identity.domain;
      else errors.set('flag-domain', words.c('flags_domainInvalid'));
    }
  }
  if (!flagReasonSchema.safeParse(values.reason).success) errors.set('flag-reason', words.c('flags_reasonMissing'));
  const problem = textProblem(values.summary, { layout: 'line', max: MAX_SUMMARY_LENGTH, min: 3, required: true });
  if (problem?.kind === 'missing') errors.set('flag-summary', words.c('flags_summaryMissing'));
  if (problem?.kind === 'too-short') errors.set('flag-summary', words.c('flags_summaryTooShort', [problem.min]));
  if (problem?.kind === 'too-long') errors.set('flag-summary', words.c('flags_summaryTooLong', [problem.max]));
  if (problem?.kind === 'hidden') errors.set('flag-summary', words.c('flags_summaryHidden', [problem.position]));
  const since = values.since.trim();
  if (since !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(since)) errors.set('flag-since', words.c('flags_sinceInvalid'));
  else if (since > options.today) errors.set('flag-since', words.c('flags_sinceFuture'));
  const flag = flagDomainSchema.safeParse({
    reason: values.reason,
    summary: values.summary,
    ...(since ? { since } : {}),
  });
  if (!flag.success && errors.size === 0) {
    // What the words above do not name (an impossible date such as 2026-02-30).
    for (const issue of flag.error.issues) errors.set(`flag-${String(issue.path[0])}`, words.c('flags_fieldInvalid'));
  }
  if (errors.size > 0 || !flag.success) return { errors };
  return { domain, flag: flag.data };
}

export function FlagForm(props: {
  words: ConsoleWords;
  action: string;
  /** The domain being changed; absent when adding one. */
  fixedDomain?: string;
  values: FlagFormValues;
  errors: FieldErrors;
  guard: { name: string; value: string };
  submit: string;
}) {
  const { words, values, errors, fixedDomain } = props;
  return (
    <form method="post" action={props.action} novalidate>
      <GuardField field={props.guard} />
      {fixedDomain ? (
        <p>
          {words.c('flags_domainLabel')}: <ShopName words={words} domain={fixedDomain} />
        </p>
      ) : (
        <TextField
          words={words}
          id="flag-domain"
          name="domain"
          label={words.c('flags_domainLabel')}
          hint={words.c('flags_domainHint')}
          value={values.domain}
          maxlength={MAX_DOMAIN_INPUT}
          dir="ltr"
          error={errors.get('flag-domain')}
        />
      )}
      <SelectField
        words={words}
        id="flag-reason"
        name="reason"
        label={words.c('flags_reasonLabel')}
        options={flagReasonSchema.options.map((reason) => ({ value: reason, text: reasonWords(words, reason) }))}
        selected={values.reason}
        placeholder={words.c('queue_choose')}
        error={errors.get('flag-reason')}
      />
      <TextField
        words={words}
        id="flag-summary"
        name="summary"
        label={words.c('flags_summaryLabel')}
        hint={words.c('flags_summaryHint')}
        value={values.summary}
        maxlength={MAX_SUMMARY_LENGTH}
        error={errors.get('flag-summary')}
      />
      <TextField
        words={words}
        id="flag-since"
        name="since"
        type="date"
        label={words.c('flags_sinceLabel')}
        hint={words.c('flags_sinceHint')}
        value={values.since}
        maxlength={10}
        dir="ltr"
        error={errors.get('flag-since')}
      />
      <button type="submit" class="button">
        {props.submit}
      </button>
    </form>
  );
}
