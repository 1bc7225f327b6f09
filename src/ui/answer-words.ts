import type { AnswerRecord } from '../directory/schemas.ts';
import type { MessageKey, Translator } from './locale-messages.ts';
import { moroccanLocale } from './verdict-words.ts';

// A merchant's answer record as one sentence, the same in the popup and on the portal's
// certificate: "This merchant answered 9 of the 10 complaints Thiqa sent it, typically
// within 3 days." The days are the median, hence "typically", never "on average".
//
// Counted nouns take the plural form the language's rules pick for the number (Arabic
// has six: zero, one, two, few, many, other), one message per form. The forms for one and
// two may say the number in words ("the one complaint", "يومين"). Keys name the form after
// two underscores (`answers_rate__few`); the locale test checks each has all six.

type PluralForms = Record<Intl.LDMLPluralRule, MessageKey>;

/** Some answered (`$ANSWERED$`), counted by the complaints sent (`$SENT$`). */
const SOME_ANSWERED: PluralForms = {
  zero: 'answers_rate__zero',
  one: 'answers_rate__one',
  two: 'answers_rate__two',
  few: 'answers_rate__few',
  many: 'answers_rate__many',
  other: 'answers_rate__other',
};

const ALL_ANSWERED: PluralForms = {
  zero: 'answers_all__zero',
  one: 'answers_all__one',
  two: 'answers_all__two',
  few: 'answers_all__few',
  many: 'answers_all__many',
  other: 'answers_all__other',
};

/** A whole sentence: the record has no time to answer. */
const NONE_ANSWERED: PluralForms = {
  zero: 'answers_none__zero',
  one: 'answers_none__one',
  two: 'answers_none__two',
  few: 'answers_none__few',
  many: 'answers_none__many',
  other: 'answers_none__other',
};

/** The median of several answers: "typically within 3 days". */
const TYPICALLY_WITHIN: PluralForms = {
  zero: 'answers_within__zero',
  one: 'answers_within__one',
  two: 'answers_within__two',
  few: 'answers_within__few',
  many: 'answers_within__many',
  other: 'answers_within__other',
};

/** The time of the only answer: "in 3 days", nothing typical about one case. */
const ONCE_IN: PluralForms = {
  zero: 'answers_in__zero',
  one: 'answers_in__one',
  two: 'answers_in__two',
  few: 'answers_in__few',
  many: 'answers_in__many',
  other: 'answers_in__other',
};

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** The number as the shopper's language writes it (`2,5` in French and Arabic), and its plural form. */
function counted(value: number, lang: string): { shown: string; form: Intl.LDMLPluralRule } {
  const locale = moroccanLocale(lang);
  let rules = pluralRules.get(locale);
  let format = numberFormats.get(locale);
  if (!rules || !format) {
    rules = new Intl.PluralRules(locale);
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    pluralRules.set(locale, rules);
    numberFormats.set(locale, format);
  }
  return { shown: format.format(value), form: rules.select(value) };
}

/** The sentence for a merchant's answer record, or null when no complaint was sent to it. */
export function answerRecordWords(record: AnswerRecord | undefined, translator: Translator): string | null {
  if (!record || record.sent === 0) return null;
  const { t, lang } = translator;
  const sent = counted(record.sent, lang);
  if (record.answered === 0 || record.medianDays === null) return t(NONE_ANSWERED[sent.form], [sent.shown]);
  const rate =
    record.answered === record.sent
      ? t(ALL_ANSWERED[sent.form], [sent.shown])
      : t(SOME_ANSWERED[sent.form], [counted(record.answered, lang).shown, sent.shown]);
  const once = record.answered === 1;
  // Up to a day reads as "within a day": "within 0.4 days" says the same less plainly.
  let within: string;
  if (record.medianDays <= 1) within = t(once ? 'answers_inADay' : 'answers_withinADay');
  else {
    const days = counted(record.medianDays, lang);
    within = t((once ? ONCE_IN : TYPICALLY_WITHIN)[days.form], [days.shown]);
  }
  return t('answers_sentence', [rate, within]);
}
