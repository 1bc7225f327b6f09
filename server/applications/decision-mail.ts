import { replaceRefusedCharacters } from '../../src/directory/text-policy.ts';
import { consoleWords } from '../console/console-words.ts';
import type { Mailer, MailMessage } from '../mail/mailer.ts';
import type { Application } from './application-review.ts';

// The mail that tells an applicant the decision, in the language they applied in. Plain
// text: the refusal's reason is the verifier's words, held to the text policy already.

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

/**
 * Sends it; the decision stands whether or not the mail leaves (it is recorded, and the
 * applicant's status page shows it), so a failure is logged and reported, not thrown.
 */
export async function sendDecisionMail(mailer: Mailer, message: MailMessage): Promise<boolean> {
  try {
    await mailer.send(message);
    return true;
  } catch (error) {
    console.error(`applications: the decision mail could not be sent: ${(error as Error).message}`);
    return false;
  }
}
