import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress } from './address-policy.ts';
import type { DomainProofProblem } from './domain-proof.ts';

// One GET of a page of an applicant's shop, bounded in time and size, connected only to
// an address checked as public. The name is resolved once, every address it gives is
// checked, and the connection is handed those very addresses (`lookup`), so a DNS answer
// that changes between the check and the connection (rebinding) cannot move it elsewhere.

export class ProofFailure extends Error {
  constructor(readonly problem: DomainProofProblem) {
    super(problem);
  }
}

export type ResolveName = (host: string) => Promise<LookupAddress[]>;

export const resolveWithSystem: ResolveName = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface FetchedPage {
  status: number;
  location: string | undefined;
  /** At most `maxBytes` of the body (2xx answers only). */
  body: Buffer;
  /** The body went on past `maxBytes`; reading stopped there. */
  truncated: boolean;
}

export interface FetchLimits {
  /** When the whole check must be over (Date.now() milliseconds). */
  deadline: number;
  maxBytes: number;
  resolve: ResolveName;
}

/** Where to connect for a test-only shop name: a loopback server over plain HTTP. */
export interface TestOnlyTarget {
  hostname: string;
  port: number;
}

const remaining = (limits: FetchLimits) => limits.deadline - Date.now();

function beforeDeadline<T>(promise: Promise<T>, limits: FetchLimits): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProofFailure('timeout')), Math.max(0, remaining(limits)));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The addresses of `host`, every one of them public, or a ProofFailure. */
async function checkedAddresses(host: string, limits: FetchLimits): Promise<LookupAddress[]> {
  // A shop is a name: an address typed as the host proves nothing about a domain.
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) throw new ProofFailure('forbidden-address');
  let addresses: LookupAddress[];
  try {
    addresses = await beforeDeadline(limits.resolve(host), limits);
  } catch (error) {
    if (error instanceof ProofFailure) throw error;
    throw new ProofFailure('unreachable');
  }
  if (addresses.length === 0) throw new ProofFailure('unreachable');
  // One private address among public ones is enough to refuse: the connection could pick it.
  if (addresses.some((entry) => classifyAddress(entry.address) !== 'public')) {
    throw new ProofFailure('forbidden-address');
  }
  return addresses;
}

/** A `lookup` that answers only the addresses already checked, in either shape net asks for. */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
    const fitting = addresses.filter((entry) => wanted === 0 || entry.family === wanted);
    const first = fitting[0];
    if (!first) {
      callback(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (options.all) (callback as (error: null, all: LookupAddress[]) => void)(null, fitting);
    else callback(null, first.address, first.family);
  };
}

/** GET `url` (https, or the test-only loopback target), within the limits. */
export async function fetchProofPage(
  url: URL,
  limits: FetchLimits,
  testOnly: TestOnlyTarget | undefined,
): Promise<FetchedPage> {
  const host = url.hostname;
  const addresses = testOnly ? undefined : await checkedAddresses(host, limits);
  const time = remaining(limits);
  if (time <= 0) throw new ProofFailure('timeout');
  const headers = {
    Host: host,
    'User-Agent': 'Thiqa-domain-proof/1',
    Accept: 'text/plain, text/html;q=0.9, */*;q=0.1',
    // A compressed answer could be small on the wire and huge once read: ask for none.
    'Accept-Encoding': 'identity',
  };
  const path = `${url.pathname}${url.search}`;
  return new Promise<FetchedPage>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: FetchedPage | ProofFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (outcome instanceof ProofFailure) reject(outcome);
      else resolve(outcome);
    };
    const request = testOnly
      ? http.request({ host: testOnly.hostname, port: testOnly.port, path, method: 'GET', headers, agent: false })
      : https.request({
          host,
          port: 443,
          path,
          method: 'GET',
          headers,
          servername: host,
          agent: false,
          lookup: pinnedLookup(addresses ?? []),
        });
    const timer = setTimeout(() => finish(new ProofFailure('timeout')), time);
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        // The pinned lookup already chose a checked address; this says so once more.
        const peer = socket.remoteAddress;
        if (!testOnly && (peer === undefined || classifyAddress(peer) !== 'public')) {
          finish(new ProofFailure('forbidden-address'));
        }
      });
    });
    request.on('error', () => finish(new ProofFailure('unreachable')));
    request.on('response', (response: IncomingMessage) => readResponse(response, limits.maxBytes, finish));
    request.end();
  });
}

function readResponse(
  response: IncomingMessage,
  maxBytes: number,
  finish: (outcome: FetchedPage | ProofFailure) => void,
): void {
  const status = response.statusCode ?? 0;
  const location = typeof response.headers.location === 'string' ? response.headers.location : undefined;
  if (status < 200 || status >= 300) {
    finish({ status, location, body: Buffer.alloc(0), truncated: false });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    const room = maxBytes - size;
    if (chunk.length > room) {
      // Past the bound nothing more is read: the connection is closed here.
      chunks.push(chunk.subarray(0, room));
      finish({ status, location, body: Buffer.concat(chunks), truncated: true });
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  response.on('end', () => finish({ status, location, body: Buffer.concat(chunks), truncated: false }));
  response.on('error', () => finish(new ProofFailure('unreachable')));
}
