import { PROOF_FILE_PATH, proofFileLine, proofMetaTag } from '../applications/domain-proof.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { portalWords } from '../portal/portal-words.ts';
import type { ContestView } from './contest-book.ts';

// The mails a contester gets: the receipt's link with the proof to serve, then the
// decision. Plain text, in the form's language; links name the configured origin.

export const contestPageUrl = (origin: string, contest: Pick<ContestView, 'receipt' | 'lang'>) =>
  `${origin}/contest/${contest.receipt}?lang=${contest.lang}`;

export function contestReceivedMail(contest: ContestView, origin: string): MailMessage {
  const { p } = portalWords(contest.lang);
  const lines = [
    p('contest_mailGreeting'),
    '',
    p('contest_mailReceived', [contest.domain]),
    '',
    p('contest_mailFollow'),
    `  ${contestPageUrl(origin, contest)}`,
    '',
    p('contest_mailProof'),
    `  https://${contest.domain}${PROOF_FILE_PATH}`,
    `  ${proofFileLine(contest.proofToken)}`,
    p('contest_mailMeta'),
    `  ${proofMetaTag(contest.proofToken)}`,
    '',
    p('contest_mailThenCheck'),
    '',
    p('contest_mailIgnore'),
    p('contest_mailSignature'),
  ];
  return { to: contest.email, subject: p('contest_mailSubject', [contest.domain]), text: `${lines.join('\n')}\n` };
}

export function contestDecidedMail(contest: ContestView, origin: string): MailMessage {
  const { p } = portalWords(contest.lang);
  const lines = [
    p('contest_mailGreeting'),
    '',
    p(contest.status === 'upheld' ? 'contest_mailUpheld' : 'contest_mailDismissed', [contest.domain]),
    '',
    p('contest_mailOutcome'),
    `  ${contest.publicOutcome ?? ''}`,
    '',
    p('contest_mailFollow'),
    `  ${contestPageUrl(origin, contest)}`,
    '',
    p('contest_mailSignature'),
  ];
  return {
    to: contest.email,
    subject: p('contest_mailDecidedSubject', [contest.domain]),
    text: `${lines.join('\n')}\n`,
  };
}
