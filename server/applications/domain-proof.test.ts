import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProofShops, type ProofShops } from '../../test/support/proof-shops.ts';
import {
  DomainProofChecker,
  findTokenInFile,
  findTokenInPage,
  PROOF_FILE_PATH,
  proofFileLine,
  proofMetaTag,
} from './domain-proof.ts';
import { pinnedLookup } from './proof-fetch.ts';

// The domain proof against real HTTP servers on loopback (reached only through the
// test-only setting), and every way a hostile applicant could point it elsewhere.

const TOKEN = 'Q2hlY2tNeURvbWFpbk5vdzEyMzQ1Njc4OTAx';
const OTHER = 'T3RoZXJUb2tlbk9mQW5vdGhlckFwcGxpY2FudA';
const NOW = new Date('2026-11-27T10:00:00Z');

describe('the domain proof through a loopback shop', () => {
  let shops: ProofShops;
  let checker: DomainProofChecker;
  const names = [
    'atlas-electro.test',
    'meta.test',
    'wrong.test',
    'missing.test',
    'away.test',
    'www-hop.test',
    'huge.test',
    'slow.test',
    'loop.test',
  ];
  beforeAll(async () => {
    shops = await openProofShops();
    checker = new DomainProofChecker({ testOnlyHosts: shops.testHosts(...names), timeoutMs: 800, clock: () => NOW });
  });
  afterAll(async () => shops.close());

  it('finds the token in the well-known file', async () => {
    shops.serve('atlas-electro.test', PROOF_FILE_PATH, { body: `# Thiqa\n${proofFileLine(TOKEN)}\n` });
    expect(await checker.check('atlas-electro.test', TOKEN)).toEqual({
      domain: 'atlas-electro.test',
      proven: true,
      method: 'well-known',
      checkedAt: NOW.toISOString(),
      problem: null,
    });
    // The bare token on a line of its own does too.
    shops.serve('atlas-electro.test', PROOF_FILE_PATH, { body: `${TOKEN}\r\n` });
    expect(await checker.check('atlas-electro.test', TOKEN)).toMatchObject({ proven: true, method: 'well-known' });
  });

  it('finds the token in the home page’s meta tag when there is no file', async () => {
    shops.serve('meta.test', '/', {
      headers: { 'Content-Type': 'text/html' },
      body: `<!doctype html><html><head><META content='${TOKEN}' NAME="Thiqa-Verification"><title>Meta</title></head></html>`,
    });
    expect(await checker.check('meta.test', TOKEN)).toMatchObject({ proven: true, method: 'meta-tag', problem: null });
    expect(shops.requests).toContain(`meta.test ${PROOF_FILE_PATH}`);
  });

  it('says wrong-token when another application’s token is served', async () => {
    shops.serve('wrong.test', PROOF_FILE_PATH, { body: proofFileLine(OTHER) });
    expect(await checker.check('wrong.test', TOKEN)).toMatchObject({ proven: false, problem: 'wrong-token' });
    // A token that only starts like ours is not ours.
    shops.serve('wrong.test', PROOF_FILE_PATH, { body: proofFileLine(`${TOKEN}x`) });
    expect(await checker.check('wrong.test', TOKEN)).toMatchObject({ proven: false, problem: 'wrong-token' });
  });

  it('says not-found when the file answers 404 and the home page has no tag', async () => {
    shops.serve('missing.test', '/', { headers: { 'Content-Type': 'text/html' }, body: '<html><head></head></html>' });
    expect(await checker.check('missing.test', TOKEN)).toMatchObject({ proven: false, problem: 'not-found' });
  });

  it('refuses a redirect to another host', async () => {
    const away = { status: 302, body: '', headers: { Location: `https://evil.example${PROOF_FILE_PATH}` } };
    shops.serve('away.test', PROOF_FILE_PATH, away);
    shops.serve('away.test', '/', { status: 301, body: '', headers: { Location: 'https://evil.example/' } });
    shops.serve('evil.example', PROOF_FILE_PATH, { body: proofFileLine(TOKEN) });
    expect(await checker.check('away.test', TOKEN)).toMatchObject({ proven: false, problem: 'redirected-elsewhere' });
    expect(shops.requests.some((line) => line.startsWith('evil.example'))).toBe(false);
    // Over plain http, to the same host, is elsewhere too.
    shops.serve('away.test', PROOF_FILE_PATH, { status: 302, body: '', headers: { Location: 'http://away.test/x' } });
    expect(await checker.check('away.test', TOKEN)).toMatchObject({ problem: 'redirected-elsewhere' });
  });

  it('follows a redirect within the shop (to its www. name), at most three', async () => {
    shops.serve('www-hop.test', PROOF_FILE_PATH, {
      status: 301,
      body: '',
      headers: { Location: `https://www.www-hop.test${PROOF_FILE_PATH}` },
    });
    shops.serve('www.www-hop.test', PROOF_FILE_PATH, { status: 302, body: '', headers: { Location: '/proof.txt' } });
    shops.serve('www.www-hop.test', '/proof.txt', { body: proofFileLine(TOKEN) });
    expect(await checker.check('www-hop.test', TOKEN)).toMatchObject({ proven: true, method: 'well-known' });
    for (const step of [1, 2, 3, 4]) {
      shops.serve('loop.test', `/${step}`, { status: 302, body: '', headers: { Location: `/${step + 1}` } });
    }
    shops.serve('loop.test', PROOF_FILE_PATH, { status: 302, body: '', headers: { Location: '/1' } });
    shops.serve('loop.test', '/4', { body: proofFileLine(TOKEN) });
    shops.serve('loop.test', '/5', { body: proofFileLine(TOKEN) });
    // Three redirects reach /3, which redirects again: one too many.
    expect(await checker.check('loop.test', TOKEN)).toMatchObject({ proven: false, problem: 'unreachable' });
  });

  it('reads no more than 64 KB: a token past it is never seen', async () => {
    shops.serve('huge.test', PROOF_FILE_PATH, { body: `${'#'.repeat(70 * 1024)}\n${proofFileLine(TOKEN)}\n` });
    expect(await checker.check('huge.test', TOKEN)).toMatchObject({ proven: false, problem: 'too-large' });
    const served: number[] = [];
    shops.serve('huge.test', PROOF_FILE_PATH, (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      // An endless body: the checker must hang up, not read on.
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) served.push(chunk.length);
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    expect(await checker.check('huge.test', TOKEN)).toMatchObject({ proven: false, problem: 'too-large' });
  });

  it('gives up when the shop is slow, within the time allowed', async () => {
    shops.serve('slow.test', PROOF_FILE_PATH, (_request, response) => {
      setTimeout(() => response.writeHead(200).end(proofFileLine(TOKEN)), 3_000).unref();
    });
    const started = Date.now();
    expect(await checker.check('slow.test', TOKEN)).toMatchObject({ proven: false, problem: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('takes a loopback mapping as test-only, nothing else', () => {
    expect(() => new DomainProofChecker({ testOnlyHosts: { 'a.test': 'http://10.0.0.1:80' } })).toThrow('test only');
    expect(() => new DomainProofChecker({ testOnlyHosts: { 'a.test': 'https://127.0.0.1:443' } })).toThrow('test only');
  });
});

describe('the domain proof without the test setting', () => {
  const checker = new DomainProofChecker({ timeoutMs: 2_000, clock: () => NOW });

  it.each(['127.0.0.1', '169.254.169.254', '10.1.2.3', '::1', '[::1]', '192.168.1.1', '0.0.0.0'])(
    'refuses the address %s as a shop',
    async (host) => {
      expect(await checker.check(host, TOKEN)).toMatchObject({ proven: false, problem: 'forbidden-address' });
    },
  );

  it('refuses a name that resolves to loopback (localhost)', async () => {
    expect(await checker.check('localhost', TOKEN)).toMatchObject({ proven: false, problem: 'forbidden-address' });
  });

  it.each([
    [['127.0.0.1']],
    [['169.254.169.254']],
    [['::1']],
    [['10.0.0.7']],
    [['::ffff:127.0.0.1']],
    [['100.64.1.1']],
    // One forbidden address among public ones is enough: the connection could pick it.
    [['8.8.8.8', '10.0.0.7']],
    [['2a00:1450:4007:80e::200e', 'fd00::1']],
  ])('refuses a name that resolves to %j', async (addresses) => {
    let asked = 0;
    const resolving = new DomainProofChecker({
      clock: () => NOW,
      resolve: async () => {
        asked += 1;
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
    });
    expect(await resolving.check('atlas-electro.ma', TOKEN)).toMatchObject({ problem: 'forbidden-address' });
    // Refused at the first fetch: the meta tag is not tried against the same answer.
    expect(asked).toBe(1);
  });

  it('says unreachable when the name does not resolve', async () => {
    const nowhere = new DomainProofChecker({
      clock: () => NOW,
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect(await nowhere.check('no-such-shop.ma', TOKEN)).toMatchObject({ problem: 'unreachable' });
  });
});

describe('the connection’s lookup', () => {
  const checked: LookupAddress[] = [
    { address: '196.200.1.1', family: 4 },
    { address: '2a00:1450:4007:80e::200e', family: 6 },
  ];

  it('answers the checked addresses only, in the shape asked', () => {
    const lookup = pinnedLookup(checked);
    const answers: unknown[] = [];
    lookup('rebound.example', { all: true }, (error, addresses) => answers.push([error, addresses]));
    lookup('rebound.example', { family: 4 }, (error, address, family) => answers.push([error, address, family]));
    lookup('rebound.example', { family: 6 }, (error, address, family) => answers.push([error, address, family]));
    expect(answers).toEqual([
      [null, checked],
      [null, '196.200.1.1', 4],
      [null, '2a00:1450:4007:80e::200e', 6],
    ]);
  });
});

describe('reading the token', () => {
  it.each([
    [`thiqa-verification=${TOKEN}`, 'match'],
    [`  ${TOKEN}  `, 'match'],
    [`\uFEFFthiqa-verification=${TOKEN}\r\n`, 'match'],
    [`thiqa-verification=${OTHER}`, 'other-token'],
    [`${TOKEN}${TOKEN}`, 'other-token'],
    ['<html><body>Welcome</body></html>', 'none'],
    [`prefix thiqa-verification=${TOKEN}`, 'none'],
  ])('file %j: %s', (text, found) => {
    expect(findTokenInFile(text, TOKEN)).toBe(found);
  });

  it.each([
    [proofMetaTag(TOKEN), 'match'],
    [`<meta content="${TOKEN}" name="thiqa-verification" />`, 'match'],
    [`<meta name=thiqa-verification content=${TOKEN}>`, 'match'],
    [`<meta name="thiqa-verification" content="${OTHER}">`, 'other-token'],
    [`<meta name="description" content="${TOKEN}">`, 'none'],
    [`<!-- thiqa-verification ${TOKEN} -->`, 'none'],
  ])('page %j: %s', (html, found) => {
    expect(findTokenInPage(html, TOKEN)).toBe(found);
  });
});
