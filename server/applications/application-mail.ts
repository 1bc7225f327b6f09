import type { MailMessage } from '../mail/mailer.ts';
import type { PortalWords } from '../portal/portal-words.ts';
import type { ApplicationView } from './application-book.ts';
import { PROOF_FILE_PATH, proofFileLine, proofMetaTag } from './domain-proof.ts';

// The mail an applicant gets once the application is received: the receipt's link and,
// for each domain, exactly what to serve where. Plain text, in the form's language.

/** The address of the application's page, as the applicant opens it from the mail. */
export const applicationPageUrl = (origin: string, receipt: string, lang: string) =>
  `${origin}/apply/${receipt}?lang=${lang}`;

export function applicationReceivedMail(application: ApplicationView, words: PortalWords, origin: string): MailMessage {
  const { p } = words;
  const token = application.proofToken;
  const lines = [
    p('apply_mailGreeting'),
    '',
    p('apply_mailReceived', [application.tradeName]),
    '',
    p('apply_mailFollow'),
    `  ${applicationPageUrl(origin, application.receipt, words.lang)}`,
    '',
    p('apply_mailProof'),
    p('apply_proofFile'),
    ...application.domains.map((domain) => `  https://${domain}${PROOF_FILE_PATH}`),
    p('apply_proofFileContent'),
    `  ${proofFileLine(token)}`,
    p('apply_mailMeta'),
    `  ${proofMetaTag(token)}`,
    '',
    p('apply_mailThenCheck'),
    p('apply_mailNext'),
    '',
    p('apply_mailIgnore'),
    p('apply_mailSignature'),
  ];
  return {
    to: application.email,
    subject: p('apply_mailSubject', [application.tradeName]),
    text: `${lines.join('\n')}\n`,
  };
}
