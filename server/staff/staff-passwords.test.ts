import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  PASSWORD_HASH_OPTIONS,
  passwordProblem,
  verifyPassword,
} from './staff-passwords.ts';

describe('staff passwords', () => {
  it('are hashed with argon2id at the OWASP parameters, salted, and verified', async () => {
    const hashed = await hashPassword('tajine au citron confit');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword('tajine au citron confit')).not.toBe(hashed);
    expect(await verifyPassword(hashed, 'tajine au citron confit')).toBe(true);
    expect(await verifyPassword(hashed, 'tajine au citron confiT')).toBe(false);
    expect(await verifyPassword('not a hash', 'tajine au citron confit')).toBe(false);
  });

  it('reads a composed and a decomposed accent as the same password', async () => {
    const hashed = await hashPassword('thé à la menthe fraîche');
    expect(await verifyPassword(hashed, 'the\u0301 a\u0300 la menthe frai\u0302che')).toBe(true);
  });

  it('keeps the dummy hash of unknown e-mails at the very parameters of real ones (same time to check)', async () => {
    const dummy = parseOptions(DUMMY_PASSWORD_HASH);
    expect(dummy).toMatchObject({
      algorithm: PASSWORD_HASH_OPTIONS.algorithm,
      memoryCost: PASSWORD_HASH_OPTIONS.memoryCost,
      timeCost: PASSWORD_HASH_OPTIONS.timeCost,
      parallelism: PASSWORD_HASH_OPTIONS.parallelism,
    });
    expect(parseOptions(await hashPassword('n’importe quel mot de passe'))).toEqual(dummy);
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, 'a guess of twelve+')).toBe(false);
  });

  it.each([
    ['', 'too-short'],
    ['onze caract', 'too-short'],
    ['douze carac', 'too-short'],
    ['douze caract', null],
    ['😀😀😀😀😀😀😀😀😀😀😀', 'too-short'],
    ['كلمة سر طويلة جدًا', null],
    ['x'.repeat(257), 'too-long'],
    [`${'ab'.repeat(128)}`, null],
    ['aaaaaaaaaaaaaaaa', 'one-character'],
    ['my password is Samira.Bennani!', 'contains-email'],
    ['SAMIRA.BENNANI-2026', 'contains-email'],
  ])('%j → %s', (password, problem) => {
    expect(passwordProblem(password, 'samira.bennani@thiqa.test')).toBe(problem);
  });

  it('does not refuse every password for a one-letter e-mail name', () => {
    expect(passwordProblem('a long passphrase here', 'a@thiqa.test')).toBeNull();
  });
});
