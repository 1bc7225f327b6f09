import type { ComplaintCategory } from '../../../src/directory/schemas.ts';
import { replaceRefusedCharacters } from '../../../src/directory/text-policy.ts';
import { moroccanLocale, REPORT_REASON } from '../../../src/ui/verdict-words.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { type PortalLanguage, portalWords } from '../../portal/portal-words.ts';

// The mail that brings a complaint to its merchant. In French, then Arabic: the registry
// does not know the merchant's language, and these are the two of Moroccan commerce (the
// same choice as the mail that tells a merchant an application extended it).
//
// What it says is what the registry and the moderator know: the shop, the complaint's
// number, category and date, the deadline, the link. Never anything the shopper typed —
// not even when they agreed to share it: that shows on the desk's page, behind the link,
// not in a mailbox that forwards and keeps everything.

export const MAIL_LANGUAGES: readonly PortalLanguage[] = ['fr', 'ar'];

export interface ComplaintMailFacts {
  to: string;
  shop: string;
  domain: string;
  complaintId: number;
  category: string;
  openedAt: Date;
  /** When an answer is due before the next reminder (or the close, after the last). */
  answerBy: Date;
  linkExpiresAt: Date;
  link: string;
  /** This reminder's number and how many there are at most; null for the first mail. */
  reminder: { number: number; of: number } | null;
}

const oneLine = (text: string) => replaceRefusedCharacters(text, 'line', () => ' ');

const day = (date: Date, lang: PortalLanguage) =>
  new Intl.DateTimeFormat(moroccanLocale(lang), { dateStyle: 'long', timeZone: 'Africa/Casablanca' }).format(date);

function categoryWords(category: string, lang: PortalLanguage): string {
  const key = REPORT_REASON[category as ComplaintCategory];
  return key ? portalWords(lang).t(key) : category;
}

export function complaintMail(facts: ComplaintMailFacts): MailMessage {
  const shop = oneLine(facts.shop);
  const subject = MAIL_LANGUAGES.map((lang) => {
    const words = portalWords(lang);
    return facts.reminder
      ? words.p('desk_mailReminderSubject', [shop, facts.complaintId, facts.reminder.number, facts.reminder.of])
      : words.p('desk_mailNewSubject', [shop, facts.complaintId]);
  }).join(' / ');
  const text = MAIL_LANGUAGES.map((lang) => {
    const words = portalWords(lang);
    const parts = [
      words.p('desk_mailGreeting', [shop]),
      facts.reminder
        ? words.p('desk_mailReminderIntro', [facts.reminder.number, facts.reminder.of, facts.complaintId])
        : words.p('desk_mailNewIntro', [facts.domain]),
      words.p('desk_mailFacts', [
        facts.complaintId,
        facts.domain,
        categoryWords(facts.category, lang),
        day(facts.openedAt, lang),
      ]),
      words.p('desk_mailDeadline', [day(facts.answerBy, lang)]),
      facts.reminder ? words.p('desk_mailReminderClose') : null,
      words.p('desk_mailLink', [facts.link, day(facts.linkExpiresAt, lang)]),
      words.p('desk_mailPrivacy'),
      words.p('desk_mailSignature'),
    ];
    return parts.filter((part) => part !== null).join('\n\n');
  }).join('\n\n———\n\n');
  return { to: facts.to, subject, text };
}
