/**
 * The ICE (Identifiant Commun de l'Entreprise) is the 15-digit number every Moroccan
 * business carries. Its last two digits make the whole number divisible by 97.
 */
export function isValidIce(ice: string): boolean {
  return /^\d{15}$/.test(ice) && BigInt(ice) % 97n === 0n;
}

/** Completes a 13-digit base with the two check digits (used for fixtures and tools). */
export function iceWithCheckDigits(base13: string): string {
  if (!/^\d{13}$/.test(base13)) throw new RangeError('an ICE base has 13 digits');
  const remainder = (BigInt(base13) * 100n) % 97n;
  const check = (97n - remainder) % 97n;
  return `${base13}${check.toString().padStart(2, '0')}`;
}
