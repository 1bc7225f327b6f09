import { replaceRefusedCharacters } from '../../src/directory/text-policy.ts';
import { consoleWords } from '../console/console-words.ts';
import type { Mailer, MailMessage } from '../mail/mailer.ts';
import type { PortalLanguage } from '../portal/portal-words.ts';
import type { Application } from './application-review.ts';

// The mail that tells an applicant the decision, in the language they applied in, and the
// one that tells a merchant an application extended it. Plain text: the refusal's reason is the verifier's words, held to the text policy already.

/** A subject is one header line: nothing the applicant typed may break it. */
const oneLine = (text: string) => replaceRefusedCharacters(text, 'line', () => ' ');

export function decisionMail(
  application: Application,
  decision: { outcome: 'approved' } | { outcome: 'refused'; reason: string },
): MailMessage {
  const words = consoleWords(application.lang);
  if (decision.outcome === 'approved') {
    return {
      to: application.email,
      subject: oneLine(words.c('review_mailApprovedSubject', [application.tradeName])),
      text: words.c('review_mailApprovedBody', [
        application.tradeName,
        application.receipt,
        application.domains.join(', '),
      ]),
    };
  }
  return {
    to: application.email,
    subject: oneLine(words.c('review_mailRefusedSubject', [application.tradeName])),
    text: words.c('review_mailRefusedBody', [application.tradeName, application.receipt, decision.reason]),
  };
}

/** The languages of the mail to an extended merchant: the application's, then French and Arabic. */
const noticeLanguages = (lang: PortalLanguage): PortalLanguage[] => [...new Set<PortalLanguage>([lang, 'fr', 'ar'])];

/**
 * The mail to a merchant whose ICE an approved application named: the domains now listed
 * under its verification, at the e-mail the registry has for it (not the applicant's), so
 * that a shop attached by someone else is noticed. In the application's language, French
 * and Arabic (the merchant's own language is not known).
 */
export function merchantExtendedMail(
  application: Application,
  merchant: { email: string; legalName: string; domains: readonly string[] },
): MailMessage {
  const languages = noticeLanguages(application.lang).map((lang) => consoleWords(lang));
  return {
    to: merchant.email,
    subject: oneLine(languages.map((words) => words.c('review_mailExtendedSubject', [merchant.legalName])).join(' / ')),
    text: languages
      .map((words) =>
        words.c('review_mailExtendedBody', [
          merchant.legalName,
          merchant.domains.join(', '),
          application.tradeName,
          application.receipt,
        ]),
      )
      .join('\n\n———\n\n'),
  };
}

/**
 * Sends it; the decision stands whether or not the mail leaves (it is recorded, and the
 * applicant's status page shows it), so a failure is logged and reported, not thrown.
 */
export async function sendDecisionMail(mailer: Mailer, message: MailMessage): Promise<boolean> {
  try {
    await mailer.send(message);
    return true;
  } catch (error) {
    console.error(`applications: a decision mail could not be sent: ${(error as Error).message}`);
    return false;
  }
}
