import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { type FetchedPage, fetchProofPage, ProofFailure, type ResolveName, resolveWithSystem } from './proof-fetch.ts';

// Proving that an applicant controls a domain: the service fetches a token the applicant
// serves at https://<domain>/.well-known/thiqa-verification.txt (or in a meta tag on the
// home page) and compares it with the application's.

export type ProofMethod = 'well-known' | 'meta-tag';

export interface DomainCheck {
  domain: string;
  /** True when the token was found. */
  proven: boolean;
  method: ProofMethod | null;
  checkedAt: string;
  /** Why it was not proven; pages say it in the reader's language. */
  problem: DomainProofProblem | null;
}

export type DomainProofProblem =
  /** Neither the file nor the meta tag is there. */
  | 'not-found'
  /** A token is there, but not this application's. */
  | 'wrong-token'
  /** The name does not resolve, the connection failed, or TLS failed (or redirects went round in circles). */
  | 'unreachable'
  | 'timeout'
  /** The name resolves to a loopback, private, link-local or other non-public address. */
  | 'forbidden-address'
  /** A redirect to another host. */
  | 'redirected-elsewhere'
  | 'too-large';

export interface DomainProof {
  check(domain: string, token: string): Promise<DomainCheck>;
}

export const DOMAIN_PROOF_PROBLEMS = [
  'not-found',
  'wrong-token',
  'unreachable',
  'timeout',
  'forbidden-address',
  'redirected-elsewhere',
  'too-large',
] as const satisfies readonly DomainProofProblem[];

/** A check as stored (applications.domain_checks) and read back. */
export const domainCheckSchema = z.strictObject({
  domain: z.string(),
  proven: z.boolean(),
  method: z.enum(['well-known', 'meta-tag']).nullable(),
  checkedAt: z.iso.datetime(),
  problem: z.enum(DOMAIN_PROOF_PROBLEMS).nullable(),
}) satisfies z.ZodType<DomainCheck>;

/** Where the file goes on the shop, and what the meta tag is called. */
export const PROOF_FILE_PATH = '/.well-known/thiqa-verification.txt';
export const PROOF_META_NAME = 'thiqa-verification';
/** The file's line, exactly as the applicant is told to write it. */
export const proofFileLine = (token: string) => `${PROOF_META_NAME}=${token}`;
export const proofMetaTag = (token: string) => `<meta name="${PROOF_META_NAME}" content="${token}">`;

type Found = 'match' | 'other-token' | 'none';

/** A token's shape (what the service hands out is 32 base64url letters; other shapes are not tokens). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/** The file holds `thiqa-verification=<token>` or the bare token on a line of its own. */
export function findTokenInFile(text: string, token: string): Found {
  let other = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim().replace(/^\uFEFF/, '');
    const value = line.startsWith(`${PROOF_META_NAME}=`) ? line.slice(PROOF_META_NAME.length + 1).trim() : line;
    if (value === token) return 'match';
    if (TOKEN_SHAPE.test(value)) other = true;
  }
  return other ? 'other-token' : 'none';
}

const META_TAG = /<meta\b[^>]*>/gi;
const ATTRIBUTE = /([^\s"'=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;

/** A `<meta name="thiqa-verification" content="<token>">` anywhere in the page as read. */
export function findTokenInPage(html: string, token: string): Found {
  let other = false;
  for (const [tag] of html.matchAll(META_TAG)) {
    const attributes = new Map<string, string>();
    for (const match of tag.matchAll(ATTRIBUTE)) {
      const name = (match[1] as string).toLowerCase();
      if (!attributes.has(name)) attributes.set(name, (match[2] ?? match[3] ?? match[4] ?? '').trim());
    }
    if (attributes.get('name')?.toLowerCase() !== PROOF_META_NAME) continue;
    if (attributes.get('content') === token) return 'match';
    other = true;
  }
  return other ? 'other-token' : 'none';
}

/**
 * TEST ONLY: shop names mapped to a loopback server over plain HTTP, e.g.
 * `{ 'atlas-electro.test': 'http://127.0.0.1:41234' }`. The address checks are skipped for
 * these names alone; no environment variable or command sets this.
 */
export type ProofTestHosts = Readonly<Record<string, string>>;

export interface DomainProofOptions {
  /** TEST ONLY: see ProofTestHosts. */
  testOnlyHosts?: ProofTestHosts;
  /** The whole check, both fetches and every redirect (5 s). */
  timeoutMs?: number;
  /** The most read of one answer (64 KB). */
  maxBytes?: number;
  /** Redirects followed per fetch (3), each to the same shop over https. */
  maxRedirects?: number;
  /** How names are resolved; the system's resolver (every address) unless given. */
  resolve?: ResolveName;
  clock?: () => Date;
}

function testTargets(hosts: ProofTestHosts | undefined) {
  const targets = new Map<string, { hostname: string; port: number }>();
  for (const [name, address] of Object.entries(hosts ?? {})) {
    const url = new URL(address);
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
    if (url.protocol !== 'http:' || !loopback || url.port === '') {
      throw new Error(`proofTestHosts: ${name} must map to http://127.0.0.1:<port> (test only)`);
    }
    targets.set(name.toLowerCase(), { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }
  return targets;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class DomainProofChecker implements DomainProof {
  private readonly testOnly: Map<string, { hostname: string; port: number }>;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly resolve: ResolveName;
  private readonly clock: () => Date;

  constructor(options: DomainProofOptions = {}) {
    this.testOnly = testTargets(options.testOnlyHosts);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.resolve = options.resolve ?? resolveWithSystem;
    this.clock = options.clock ?? (() => new Date());
  }

  async check(domain: string, token: string): Promise<DomainCheck> {
    const checkedAt = this.clock().toISOString();
    const result = (method: ProofMethod | null, problem: DomainProofProblem | null): DomainCheck => ({
      domain,
      proven: method !== null,
      method,
      checkedAt,
      problem,
    });
    const host = domainToASCII(domain.trim().replace(/\.$/, '')).toLowerCase();
    if (host === '') return result(null, /^[\d.:[\]]+$/.test(domain.trim()) ? 'forbidden-address' : 'unreachable');
    // Real time, not the service's clock (which tests may freeze): the bound is the network's.
    const deadline = Date.now() + this.timeoutMs;
    let wrongToken = false;
    let firstProblem: DomainProofProblem | null = null;
    for (const [method, path] of [
      ['well-known', PROOF_FILE_PATH],
      ['meta-tag', '/'],
    ] as const) {
      try {
        const page = await this.fetchFollowing(host, path, deadline);
        if (page.status < 200 || page.status >= 300) continue;
        const text = new TextDecoder('utf-8').decode(page.body);
        const found = method === 'well-known' ? findTokenInFile(text, token) : findTokenInPage(text, token);
        if (found === 'match') return result(method, null);
        if (found === 'other-token') wrongToken = true;
        // A token past the bound was never read: say the answer is too large, not that it is absent.
        else if (page.truncated) firstProblem ??= 'too-large';
      } catch (error) {
        if (!(error instanceof ProofFailure)) throw error;
        // The same host answers both fetches: no second try can change these.
        if (error.problem === 'forbidden-address' || error.problem === 'timeout') return result(null, error.problem);
        firstProblem ??= error.problem;
      }
    }
    return result(null, wrongToken ? 'wrong-token' : (firstProblem ?? 'not-found'));
  }

  /** The page at `path`, following at most maxRedirects redirects within the shop. */
  private async fetchFollowing(host: string, path: string, deadline: number): Promise<FetchedPage> {
    let url = new URL(`https://${host}${path}`);
    for (let hop = 0; ; hop++) {
      const target = this.testOnly.get(url.hostname) ?? this.testOnly.get(url.hostname.replace(/^www\./, ''));
      const page = await fetchProofPage(url, { deadline, maxBytes: this.maxBytes, resolve: this.resolve }, target);
      if (!REDIRECTS.has(page.status)) return page;
      if (page.location === undefined || hop >= this.maxRedirects) throw new ProofFailure('unreachable');
      let next: URL;
      try {
        next = new URL(page.location, url);
      } catch {
        throw new ProofFailure('unreachable');
      }
      if (!sameShop(next, host)) throw new ProofFailure('redirected-elsewhere');
      url = next;
    }
  }
}

/**
 * A redirect stays with the shop when it goes to the same host over https, or between the
 * domain and its `www.` name (the same shop, as shopDomains reads it), on the usual port.
 */
function sameShop(next: URL, host: string): boolean {
  if (next.protocol !== 'https:' || next.username !== '' || next.password !== '' || next.port !== '') return false;
  const bare = host.replace(/^www\./, '');
  return next.hostname === host || next.hostname === bare || next.hostname === `www.${bare}`;
}
