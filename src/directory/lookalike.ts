import punycode from 'punycode/punycode.es6.js';

// Fraudsters register names that read like a verified merchant's: a zero for an o, a
// Cyrillic а for a Latin a, a hyphen more or less, the same name under another suffix.
// We reduce a shop's name to a skeleton where such look-alike characters are one, and
// compare skeletons. The table is ours, covering the scripts a Moroccan shopper meets.

const CONFUSABLE: Record<string, string> = {
  // digits
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '8': 'b',
  // i, l and | read alike in many fonts
  i: 'l',
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  і: 'l',
  ї: 'l',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'l',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  // Latin letters with marks that read as the plain letter at a glance
  à: 'a',
  á: 'a',
  â: 'a',
  ä: 'a',
  ç: 'c',
  è: 'e',
  é: 'e',
  ê: 'e',
  ë: 'e',
  ì: 'l',
  í: 'l',
  î: 'l',
  ï: 'l',
  ò: 'o',
  ó: 'o',
  ô: 'o',
  ö: 'o',
  ù: 'u',
  ú: 'u',
  û: 'u',
  ü: 'u',
  ı: 'l',
};

const MIN_SKELETON_LENGTH = 4;

/** The name part of a shop identity (its first label), as the shopper reads it. */
function shopName(domain: string): string {
  const label = domain.split('.', 1)[0] ?? '';
  if (!label.startsWith('xn--')) return label;
  try {
    return punycode.toUnicode(label);
  } catch {
    return label;
  }
}

/** The look-alike skeleton of a shop identity's name: `atlas-electr0` → `atlaselectro`. */
export function nameSkeleton(domain: string): string {
  let text = '';
  for (const char of shopName(domain).normalize('NFKC').toLowerCase()) {
    if (char === '-' || char === '_' || char === '.') continue;
    text += CONFUSABLE[char] ?? char;
  }
  return text.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
}

/** Finds, for a shop identity, the verified merchant domain it imitates, if any. */
export class LookalikeIndex {
  readonly #bySkeleton = new Map<string, string>();

  constructor(verifiedDomains: Iterable<string>) {
    for (const domain of verifiedDomains) {
      const skeleton = nameSkeleton(domain);
      if (skeleton.length >= MIN_SKELETON_LENGTH && !this.#bySkeleton.has(skeleton)) {
        this.#bySkeleton.set(skeleton, domain);
      }
    }
  }

  /** The verified domain `domain` looks like, or null (a domain never imitates itself). */
  imitatedBy(domain: string): string | null {
    const match = this.#bySkeleton.get(nameSkeleton(domain));
    return match !== undefined && match !== domain ? match : null;
  }
}
