import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import { labelSchema } from '../directory/schemas.ts';
import { formatDate, labelFacts } from './verdict-words.ts';

// The popup's label lines for a label the directory holds without an issue date: the
// card shows what the data says and no date the data does not hold.

describe.each(['ar', 'fr', 'en'] as const)('a label without an issue date, in %s', (lang) => {
  const translator = localeTranslator(lang);
  const label = labelSchema.parse({
    kind: 'e-thiq',
    issuer: 'Label e-thiq',
    reference: null,
    issued: null,
    validUntil: '2025-01-31',
  });

  it('is shown expired, with its issuer and end date and no other date', () => {
    const facts = labelFacts(label, '2026-12-01', translator);
    expect(facts.expired).toBe(true);
    expect(facts.lines).toEqual([
      translator.t('popup_labelIssuer', ['Label e-thiq']),
      translator.t('popup_labelValidUntil', [formatDate('2025-01-31', lang)]),
    ]);
    expect(facts.lines.join(' ')).not.toMatch(/null|undefined|NaN|Invalid/);
  });

  it('shows no end date for a label that has none either', () => {
    const facts = labelFacts({ ...label, validUntil: null }, '2026-12-01', translator);
    expect(facts.expired).toBe(false);
    expect(facts.lines).toEqual([
      translator.t('popup_labelIssuer', ['Label e-thiq']),
      translator.t('popup_labelNoExpiry'),
    ]);
  });
});
