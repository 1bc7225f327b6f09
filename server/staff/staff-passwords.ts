import { type Algorithm, hash, verify } from '@node-rs/argon2';

// Staff passwords: argon2id through @node-rs/argon2 (a maintained binding of the reference
// implementation), never our own crypto. The parameters are the first of OWASP's Password
// Storage Cheat Sheet for argon2id: 19 MiB of memory (m=19456 KiB), 2 passes (t=2), one
// lane (p=1) — about 35 ms on one core of the service's machine, cheap enough for a
// sign-in, costly for a guesser holding a stolen table. The salt (16 random bytes) and
// the parameters travel in the PHC string the database keeps.

const ARGON2ID = 2 satisfies Algorithm.Argon2id;

export const PASSWORD_HASH_OPTIONS = {
  algorithm: ARGON2ID as Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The same password typed on another keyboard may arrive composed or decomposed (an é
 * as one code point or two): both are hashed and checked in one form.
 */
const normalized = (password: string) => password.normalize('NFC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalized(password), PASSWORD_HASH_OPTIONS);
}

/** Whether `password` is the one `hashed` was made from; a damaged hash is a no. */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, normalized(password));
  } catch {
    return false;
  }
}

/**
 * An argon2id hash of a password no one has, with the parameters above: a sign-in for an
 * e-mail without an account (or an account without a password yet) checks against it, so
 * the answer takes as long as for a real account and the time does not tell which e-mails
 * exist. A test holds its parameters equal to PASSWORD_HASH_OPTIONS.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$JZR/+GP0EadcLv4OMiE+cQ$ghlAjHMe/yVOvcsGyTwAzLopPbuNo0aTPgNp+telIes';

/** Why a new password is refused. */
export type PasswordProblem = 'too-short' | 'too-long' | 'contains-email' | 'one-character';

/**
 * The password policy (after NIST SP 800-63B: length rather than composition rules):
 * 12 to 256 characters, not the account's e-mail name inside it, not one character
 * repeated. The e-mail name counts from 3 characters: a shorter one (`a@…`) would refuse
 * most passwords for no gain.
 */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  const characters = [...normalized(password)];
  if (characters.length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (characters.length > MAX_PASSWORD_LENGTH) return 'too-long';
  const localPart = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  if (localPart.length >= 3 && normalized(password).toLowerCase().includes(localPart)) return 'contains-email';
  if (characters.every((character) => character === characters[0])) return 'one-character';
  return null;
}
