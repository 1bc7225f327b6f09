import {
  ADDED_WORDS,
  isMixedScript,
  MIN_DISTINCT_LENGTH,
  MIN_LOOSE_LENGTH,
  MIN_SKELETON_LENGTH,
  textSkeleton,
  unicodeLabel,
  without,
} from './lookalike.ts';

// The look-alike rules, apart from where the targets live: the in-memory maps of
// LookalikeIndex (service, tests) and the extension's stored binary index
// (compact-directory.ts) answer the same three questions, so both judge alike.

/** At most one insertion, deletion, substitution or swap of neighbours between `a` and `b`. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  if (a.length === b.length) {
    if (a.slice(start + 1) === b.slice(start + 1)) return true; // substitution
    return a[start] === b[start + 1] && a[start + 1] === b[start] && a.slice(start + 2) === b.slice(start + 2);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(start + 1) === shorter.slice(start);
}

export interface ImitationTarget {
  readonly domain: string;
  readonly merchantId: string;
}

export type ImitationKind = 'same-name' | 'one-edit' | 'added-word' | 'subdomain';

export interface Imitation extends ImitationTarget {
  readonly kind: ImitationKind;
  readonly mixedScript: boolean;
}

export interface Target extends ImitationTarget {
  readonly skeleton: string;
}

/** Where the look-alike targets (verified merchant domains) are kept. */
export interface LookalikeTargets {
  /** A domain of any merchant of the directory (a listed merchant never imitates). */
  owns(domain: string): boolean;
  /** The first target, in directory order, with this skeleton that fits. */
  withSkeleton(skeleton: string, fits: (target: Target) => boolean): Target | undefined;
  /**
   * The first target, in directory order, among the first target of each skeleton whose
   * skeleton without its letter at `at` is `deleted`, that fits.
   */
  withDeletion(at: number, deleted: string, fits: (target: Target) => boolean): Target | undefined;
}

/** Computed on first use: lookalike.ts, which defines the words, imports this module. */
let addedWordSkeletons: string[] | undefined;
function addedWords(): string[] {
  addedWordSkeletons ??= [...new Set(ADDED_WORDS.map(textSkeleton))];
  return addedWordSkeletons;
}

/** The verified domain `identity` looks like, and how; null for a merchant's own domain. */
export function imitationOf(
  targets: LookalikeTargets,
  identity: { readonly domain: string; readonly host?: string },
): Imitation | null {
  if (targets.owns(identity.domain)) return null;
  return findImitation(targets, identity, undefined);
}

interface Search {
  readonly targets: LookalikeTargets;
  /** The merchant whose own domains are being checked, whose targets are skipped. */
  readonly except: string | undefined;
}

/** For a merchant's own domain (an import) pass its id as `except`: its own targets are skipped. */
export function findImitation(
  targets: LookalikeTargets,
  identity: { readonly domain: string; readonly host?: string },
  except: string | undefined,
): Imitation | null {
  const search: Search = { targets, except };
  const { domain } = identity;
  const nameLabel = domain.split('.', 1)[0] ?? '';
  const name = matchLabel(search, nameLabel, MIN_SKELETON_LENGTH);
  if (name) return name;
  const host = identity.host ?? domain;
  if (!host.endsWith(`.${domain}`)) return null;
  const left = host
    .slice(0, -domain.length - 1)
    .split('.')
    .filter((label) => label !== 'www');
  // The brand's whole domain in front of another (`atlas-electro.test.pay.com`) counts at
  // any length; a lone label must be a name of 6+ letters (`shop.`, `mail.` are common).
  for (const [index, label] of left.entries()) {
    const wholeDomain = ownsPrefix(targets, left, index);
    const match = matchLabel(search, label, wholeDomain ? MIN_SKELETON_LENGTH : MIN_LOOSE_LENGTH);
    if (match) return { ...match, kind: 'subdomain' };
  }
  const joined = matchLabel(search, left.join(''), MIN_LOOSE_LENGTH);
  return joined ? { ...joined, kind: 'subdomain' } : null;
}

function ownsPrefix(targets: LookalikeTargets, labels: string[], index: number): boolean {
  for (let end = index + 2; end <= labels.length; end++) {
    if (targets.owns(labels.slice(index, end).join('.'))) return true;
  }
  return false;
}

function matchLabel(search: Search, label: string, minSameName: number): Imitation | null {
  const text = unicodeLabel(label);
  const mixedScript = isMixedScript(text);
  const skeleton = textSkeleton(text);
  const result = (target: Target | undefined, kind: ImitationKind): Imitation | null =>
    target ? { domain: target.domain, merchantId: target.merchantId, kind, mixedScript } : null;

  const same = first(search, skeleton);
  if (same && skeleton.length >= minSameName) return result(same, 'same-name');
  // A label that mixes scripts already says "imitation": shorter names count then.
  const minLoose = mixedScript ? MIN_SKELETON_LENGTH : MIN_LOOSE_LENGTH;
  const edited = oneEdit(search, skeleton, minLoose);
  if (edited) return result(edited, 'one-edit');
  return result(withAddedWord(search, text, skeleton, minLoose), 'added-word');
}

function oneEdit(search: Search, skeleton: string, minLength: number): Target | undefined {
  if (skeleton.length < minLength - 1) return undefined;
  const { targets, except } = search;
  const fits = (target: Target) =>
    target.merchantId !== except && target.skeleton.length >= minLength && withinOneEdit(target.skeleton, skeleton);
  // One letter missing from a brand (anywhere).
  for (let at = 0; at <= skeleton.length; at++) {
    const found = targets.withDeletion(at, skeleton, fits);
    if (found) return found;
  }
  for (let at = 0; at < skeleton.length; at++) {
    const deleted = without(skeleton, at);
    // One letter more, one changed at the same place, or two neighbours swapped.
    const found =
      targets.withSkeleton(deleted, fits) ??
      targets.withDeletion(at, deleted, fits) ??
      targets.withDeletion(at + 1, deleted, fits);
    if (found) return found;
  }
  return undefined;
}

function first(search: Search, skeleton: string): Target | undefined {
  return search.targets.withSkeleton(skeleton, (target) => target.merchantId !== search.except);
}

function brand(search: Search, skeleton: string, minLength: number): Target | undefined {
  if (skeleton.length < minLength) return undefined;
  return first(search, skeleton);
}

function withAddedWord(search: Search, text: string, skeleton: string, minLength: number): Target | undefined {
  // Hyphen-separated: the brand's parts in a row, any word before or after.
  const parts = text.split(/[-_]/).map(textSkeleton);
  for (let start = 0; start < parts.length; start++) {
    let joined = '';
    for (let end = start; end < parts.length; end++) {
      joined += parts[end];
      if (start === 0 && end === parts.length - 1) break;
      const found = brand(search, joined, minLength) ?? oneEdit(search, joined, MIN_DISTINCT_LENGTH);
      if (found) return found;
    }
  }
  // Glued: only known words, so `atlaselectronics` is no `atlaselectro` plus "nics" (the
  // price: `atlaselectroplus` passes; the measurement prints how many such).
  const prefixes = ['', ...addedWords().filter((word) => skeleton.startsWith(word))];
  const suffixes = ['', ...addedWords().filter((word) => skeleton.endsWith(word))];
  for (const prefix of prefixes) {
    for (const suffix of suffixes) {
      if (prefix === '' && suffix === '') continue;
      if (prefix.length + suffix.length >= skeleton.length) continue;
      const found = brand(search, skeleton.slice(prefix.length, skeleton.length - suffix.length), minLength);
      if (found) return found;
    }
  }
  return undefined;
}
