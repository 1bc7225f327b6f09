// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText() is the rendered text a shopper reads, which is what these tests assert
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, utf8 } from '../../src/directory/bytes.ts';
import { directoryDigest } from '../../src/directory/delta.ts';
import { buildPublication, encodeJsonFile, type Publication } from '../../src/directory/publication.ts';
import { type Manifest, type Snapshot, snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey, type SigningKey, signManifest } from '../../src/directory/signing.ts';
import { e2eDirectory, FIXTURE_SHOPS } from '../fixtures/e2e-directory.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, tabIdFor, toolbarBadge } from './extension-probe.ts';
import { type ShopServer, startShopServer } from './fixture-servers.ts';
import { type HostileDirectoryServer, startHostileDirectoryServer } from './hostile-directory-server.ts';
import { WorkerProblems } from './worker-problems.ts';

// Attacks on the directory and faults of its host, each through the real sync path: the
// built extension in Chromium, "Sync now" clicked in its options page, a loopback host
// that lies on request. After each, the extension must still hold its last good
// directory, judge shops as before, say in the options page why it refused the update,
// and take the next honest publication.

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_RULES = 'MAP *.test 127.0.0.1';
const FILE_STARTED = Date.now();
const NOW = new Date();
/** What the shopper must keep seeing on the two shop tabs, whatever the host serves. */
const EXPECTED_BADGES = { verified: '✓', danger: '✕' };
const ERROR_DATE = /, .+$/;

let shops: ShopServer;
let hostile: HostileDirectoryServer;
let publisher: SigningKey;
let attacker: SigningKey;
/** The publisher's next key: pinned beside the current one during a rotation. */
let nextKey: SigningKey;
let bundled: Snapshot;
/** Built as during a key rotation, pinning the current and the next key; the attacker's key is neither. */
let bothKeysDir: string;
/** Errors and warnings the background logs: a refusal must be recorded, not thrown. */
const workerProblems = new WorkerProblems();
/** What each case's refusal looked like in the options page, for the closing note. */
const saidInOptions: Array<[string, string]> = [];

beforeAll(async () => {
  [shops, hostile] = await Promise.all([startShopServer(), startHostileDirectoryServer()]);
  publisher = await importSigningKey((await generateSigningKey()).privateJwk);
  attacker = await importSigningKey((await generateSigningKey()).privateJwk);
  nextKey = await importSigningKey((await generateSigningKey()).privateJwk);
  bundled = snapshotSchema.parse(JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')));
  bothKeysDir = await buildExtension('attacks-rotation-both', {
    directoryUrl: hostile.directoryUrl,
    publicKeys: `${publisher.publicKey},${nextKey.publicKey}`,
  });
}, 60_000);

// Whatever a case served, the background logged no error or warning while it ran.
afterEach(() => {
  expect(workerProblems.take()).toEqual([]);
});

afterAll(async () => {
  await Promise.all([shops?.close(), hostile?.close()]);
  console.log(`refusals as the options page words them:\n${saidInOptions.map(([c, s]) => `  ${c}: ${s}`).join('\n')}`);
  console.log(`directory-attacks wall time: ${((Date.now() - FILE_STARTED) / 1000).toFixed(1)} s`);
});

/** The directory as honestly published: one fixture shop per level. */
function honestSnapshot(version: number): Snapshot {
  return e2eDirectory(NOW, version, new Date(NOW.getTime() - 3_600_000));
}

/** What an attacker wants shoppers to believe: the verified shop flagged, the fraudulent one cleared. */
function poisonedSnapshot(version: number): Snapshot {
  const honest = honestSnapshot(version);
  const flagged = [
    { domain: FIXTURE_SHOPS.verified, reason: 'fraud' as const, since: '2026-01-01', summary: 'Ne livre jamais.' },
  ];
  return { ...honest, state: { ...honest.state, flagged } };
}

/** A publication whose manifest says exactly `manifest`, signed by `keys`: what no honest publish makes. */
async function resigned(base: Publication, manifest: Manifest, keys = [publisher]): Promise<Publication> {
  return { ...base, manifest, manifestText: await signManifest(utf8(canonicalJson(manifest)), keys) };
}

function fileOf(publication: Publication, path: string): Uint8Array<ArrayBuffer> {
  const file = publication.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`${path} is not in the publication`);
  return file.bytes;
}

interface Release {
  version: number;
  snapshot: Snapshot;
  publication: Publication;
}

interface ExtensionRun {
  browser: ExtensionBrowser;
  probe: Page;
  options: Page;
  extensionUrl(path: string): string;
}

/** Waits until `condition` holds (usable in hooks, where expect.poll is not). */
async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${timeoutMs} ms for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

interface StatusSeen {
  version: number;
  lastError: { code: string } | null;
}

async function startRun(extensionDir: string, installSyncDone: (status: StatusSeen) => boolean): Promise<ExtensionRun> {
  const browser = await launchWithExtension(extensionDir, { lang: 'en-US', hostRules: HOST_RULES });
  workerProblems.watch(browser.context, extensionDir.split('/').at(-2) ?? extensionDir);
  const extensionUrl = (path: string) => `chrome-extension://${browser.extensionId}/${path}`;
  const probe = await browser.context.newPage();
  await probe.goto(extensionUrl('options.html'));
  await until(
    'the install-time sync',
    async () => {
      const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as { value?: StatusSeen };
      // No value until the bundled copy is stored, in the first instants after install.
      return status.value ? installSyncDone(status.value) : false;
    },
    20_000,
  );
  const options = await browser.context.newPage();
  await options.goto(extensionUrl('options.html'));
  await options.locator('[data-fact="version"]').waitFor();
  return { browser, probe, options, extensionUrl };
}

const fact = (run: ExtensionRun, id: string) => run.options.locator(`[data-fact="${id}"] dd`).innerText();

/** Clicks "Sync now" as a shopper would and waits until the page shows the outcome. */
async function syncNow(run: ExtensionRun): Promise<void> {
  const asked = hostile.log.length;
  const button = run.options.locator('section[aria-labelledby="directory-heading"] button');
  await button.click();
  await until(
    'the manifest request',
    async () => hostile.log.slice(asked).some((entry) => entry.path.endsWith('/manifest.json')),
    5_000,
  );
  // Long enough for the extension to give up on a silent host by itself.
  await until(
    'the end of the sync',
    async () => (await button.isEnabled()) && (await button.innerText()) === 'Sync now',
    30_000,
  );
}

describe('attacks and faults on the directory, one browser, "Sync now" after each', () => {
  let run: ExtensionRun;
  let held: Release;
  /** Every release the extension took, oldest first (for rollback and stale deltas). */
  const taken: Release[] = [];
  const shopTabs: Record<keyof typeof EXPECTED_BADGES, { page: Page; tabId: number }> = {} as never;

  /** The next honest release, offering a delta from the version held when `withDelta`. */
  async function honestNext(withDelta = true): Promise<Release> {
    const version = held.version + 1;
    const snapshot = honestSnapshot(version);
    const publication = await buildPublication({
      current: snapshot,
      previous: withDelta ? [held.snapshot] : [],
      keys: [publisher],
    });
    return { version, snapshot, publication };
  }

  /** The toolbar badge of each shop tab, repainted from the directory held by reloading the tab. */
  async function badges(): Promise<Record<string, string>> {
    const seen = await Promise.all(
      Object.entries(shopTabs).map(async ([level, tab]) => {
        await tab.page.reload();
        await until(
          `the badge of ${level}`,
          async () => (await toolbarBadge(run.probe, tab.tabId)).text !== '',
          10_000,
        );
        return [level, (await toolbarBadge(run.probe, tab.tabId)).text] as const;
      }),
    );
    return Object.fromEntries(seen);
  }

  async function expectRefused(name: string, words: RegExp): Promise<void> {
    const said = await fact(run, 'last-error');
    saidInOptions.push([name, said.replace(/\n/g, ' | ')]);
    expect(said).toMatch(words);
    expect(await fact(run, 'version')).toBe(String(held.version));
    expect(await badges()).toEqual(EXPECTED_BADGES);
  }

  async function expectTaken(release: Release): Promise<void> {
    hostile.publish(release.publication);
    await syncNow(run);
    expect(await fact(run, 'version')).toBe(String(release.version));
    expect(await fact(run, 'last-error')).toBe('none');
    expect(await badges()).toEqual(EXPECTED_BADGES);
    held = release;
    taken.push(release);
  }

  beforeAll(async () => {
    const first = honestSnapshot(bundled.version + 1);
    held = {
      version: first.version,
      snapshot: first,
      publication: await buildPublication({ current: first, previous: [bundled], keys: [publisher] }),
    };
    taken.push(held);
    hostile.publish(held.publication);
    run = await startRun(bothKeysDir, (status) => status.version === held.version);
    for (const level of ['verified', 'danger'] as const) {
      const page = await run.browser.context.newPage();
      await page.goto(shops.urlFor(FIXTURE_SHOPS[level], '/produit'));
      shopTabs[level] = { page, tabId: await tabIdFor(run.probe, shops.urlFor(FIXTURE_SHOPS[level], '')) };
    }
    expect(await badges()).toEqual(EXPECTED_BADGES);
  }, 60_000);

  afterAll(async () => {
    await run?.browser.close();
  });

  it('1. refuses a snapshot with one byte changed', async () => {
    const next = await honestNext(false);
    const path = next.publication.manifest.snapshot.path;
    const changed = new Uint8Array(fileOf(next.publication, path));
    const middle = changed.length >> 1;
    changed[middle] = (changed[middle] ?? 0) ^ 0x01;
    hostile.publish(next.publication);
    hostile.lie(path, { kind: 'bytes', bytes: changed, type: 'application/gzip' });
    await syncNow(run);
    await expectRefused(
      '1 one byte changed',
      new RegExp(
        `^a file does not match its fingerprint \\(${path}: SHA-256 differs from the manifest\\)${ERROR_DATE.source}`,
      ),
    );
    await expectTaken(next);
  });

  it('2. refuses a manifest signed by a key the build does not pin, even under a pinned key id', async () => {
    const next = await honestNext();
    const forged = await buildPublication({ current: poisonedSnapshot(next.version), previous: [], keys: [attacker] });
    hostile.publish(forged);
    await syncNow(run);
    await expectRefused(
      '2 unknown key',
      new RegExp(
        `^signed by a key this extension does not trust \\(signed by ${attacker.keyId}\\)${ERROR_DATE.source}`,
      ),
    );

    // The same forgery claiming to come from the pinned key: its signature does not verify.
    const envelope = JSON.parse(forged.manifestText) as { signatures: Array<{ keyId: string }> };
    for (const signature of envelope.signatures) signature.keyId = publisher.keyId;
    hostile.lie('manifest.json', { kind: 'bytes', bytes: utf8(JSON.stringify(envelope)), type: 'application/json' });
    await syncNow(run);
    await expectRefused(
      '2 forged under the pinned key id',
      new RegExp(`^the signature does not match \\(bad signature for key ${publisher.keyId}\\)${ERROR_DATE.source}`),
    );
    await expectTaken(next);
  });

  it('3. refuses an older valid manifest served again (rollback)', async () => {
    const older = taken.at(-2) as Release;
    hostile.publish(older.publication);
    await syncNow(run);
    await expectRefused(
      '3 rollback',
      new RegExp(
        `^the server offered an older directory than the one held \\(manifest version ${older.version} is older than the held ${held.version}\\)${ERROR_DATE.source}`,
      ),
    );
    await expectTaken(await honestNext());
  });

  it('4. refuses a feed frozen past its expiry, and the popup says the directory is out of date', async () => {
    // The policy counts a directory's lifetime in hours; the publisher signs a manifest
    // fresh for seconds so that the feed freezes within the test.
    const next = await honestNext();
    const freezesAt = new Date(Date.now() + 5_000);
    const shortLived: Release = {
      ...next,
      publication: await resigned(next.publication, {
        ...next.publication.manifest,
        expiresAt: freezesAt.toISOString(),
      }),
    };
    await expectTaken(shortLived);
    await new Promise((done) => setTimeout(done, freezesAt.getTime() + 500 - Date.now()));

    // The host keeps answering "not modified" to the manifest the extension holds.
    const asked = hostile.log.length;
    await syncNow(run);
    expect(hostile.log.slice(asked).map((entry) => entry.status)).toEqual([304]);
    await expectRefused(
      '4 frozen feed',
      new RegExp(
        `^the published directory has expired \\(the server still offers version ${held.version}, expired at ${freezesAt.toISOString()}\\)${ERROR_DATE.source}`,
      ),
    );
    expect(await run.options.locator('.warning').innerText()).toMatch(
      /^The directory is out of date since .+: verdicts may be wrong\.$/,
    );
    const popup = await run.browser.context.newPage();
    await popup.goto(run.extensionUrl(`popup.html?tab=${shopTabs.verified.tabId}`));
    await popup.locator('main.popup h1').waitFor();
    expect(await popup.locator('.verdict__level').innerText()).toBe('Verified merchant');
    expect(await popup.getByRole('alert').innerText()).toMatch(
      /^The directory is out of date since .+: verdicts may be wrong\.$/,
    );

    await expectTaken(await honestNext());
    await popup.reload();
    await popup.locator('main.popup h1').waitFor();
    expect(await popup.getByRole('alert').count()).toBe(0);
    await popup.close();
  });

  it('5. refuses a manifest naming a file whose hash differs (mix-and-match)', async () => {
    const next = await honestNext(false);
    const { path, size } = next.publication.manifest.snapshot;
    const otherFile = await encodeJsonFile(poisonedSnapshot(next.version));
    hostile.publish(next.publication);
    hostile.lie(path, { kind: 'bytes', bytes: otherFile, type: 'application/gzip' });
    await syncNow(run);
    await expectRefused(
      '5 mix-and-match',
      otherFile.length === size
        ? new RegExp(`^a file does not match its fingerprint \\(${path}: SHA-256 differs`)
        : new RegExp(`^a file has the wrong size \\(${path}: ${otherFile.length} bytes, manifest says ${size}\\)`),
    );
    await expectTaken(next);
  });

  it('6. refuses a truncated file, cut in transit or stored short', async () => {
    const next = await honestNext(false);
    const { path, size } = next.publication.manifest.snapshot;
    const whole = fileOf(next.publication, path);
    const half = Math.floor(size / 2);
    hostile.publish(next.publication);
    hostile.lie(path, { kind: 'cut', bytes: whole, sent: half });
    await syncNow(run);
    await expectRefused(
      '6 cut in transit',
      new RegExp(
        `^a download was cut off before its end \\(${path}: the connection broke after \\d+ bytes \\(.+\\)\\)${ERROR_DATE.source}`,
      ),
    );

    hostile.lie(path, { kind: 'bytes', bytes: whole.subarray(0, half), type: 'application/gzip' });
    await syncNow(run);
    await expectRefused(
      '6 stored short',
      new RegExp(`^a file has the wrong size \\(${path}: ${half} bytes, manifest says ${size}\\)${ERROR_DATE.source}`),
    );
    await expectTaken(next);
  });

  it('7. stops an endless or oversized download at the size the manifest names', async () => {
    const next = await honestNext(false);
    const { path, size } = next.publication.manifest.snapshot;
    hostile.publish(next.publication);
    hostile.lie(path, { kind: 'endless' });
    const started = Date.now();
    await syncNow(run);
    const tookMs = Date.now() - started;
    await expectRefused(
      '7 endless',
      new RegExp(`^a file is larger than announced \\(more than ${size} bytes\\)${ERROR_DATE.source}`),
    );
    const endless = hostile.log.findLast((entry) => entry.path.endsWith(path));
    expect(endless?.clientHungUp).toBe(true);
    expect(tookMs).toBeLessThan(10_000);
    console.log(
      `endless file: the extension hung up after ${tookMs} ms; the host had written ${endless?.bytesSent} bytes`,
    );

    // The manifest names no size for itself: its own bound is a fixed one, far above a real manifest.
    hostile.lie('manifest.json', { kind: 'endless' });
    await syncNow(run);
    await expectRefused(
      '7 endless manifest',
      new RegExp(`^a file is larger than announced \\(more than ${256 * 1024} bytes\\)${ERROR_DATE.source}`),
    );
    hostile.publish(next.publication);

    const oversized = new Uint8Array(size + 1_000_000);
    hostile.lie(path, { kind: 'bytes', bytes: oversized, type: 'application/gzip' });
    await syncNow(run);
    await expectRefused(
      '7 oversized',
      new RegExp(
        `^a file is larger than announced \\(${oversized.length} bytes announced, at most ${size} expected\\)${ERROR_DATE.source}`,
      ),
    );
    await expectTaken(next);
  });

  it('8. refuses signed but schema-invalid entries', async () => {
    const next = await honestNext(false);
    const invalid = structuredClone(next.snapshot);
    const [firstMerchant] = invalid.state.merchants;
    if (!firstMerchant) throw new Error('the fixture directory has merchants');
    firstMerchant.ice = '123';
    (invalid.state.flagged[0] as { reason: string }).reason = 'rumour';
    // Published by the real key, hashes and digest all consistent: only the schema catches it.
    const bytes = await encodeJsonFile(invalid);
    const sha256 = await sha256Hex(bytes);
    const path = `snapshot-${next.version}-${sha256.slice(0, 16)}.json.gz`;
    const manifest: Manifest = {
      ...next.publication.manifest,
      digest: await directoryDigest(invalid.state),
      snapshot: { path, sha256, size: bytes.length },
    };
    hostile.publish(await resigned({ ...next.publication, files: [{ path, bytes }] }, manifest));
    await syncNow(run);
    await expectRefused(
      '8 schema-invalid',
      /^a file does not follow the directory format \(snapshot: state\.merchants\.0\.ice: [\s\S]+snapshot: state\.flagged\.0\.reason: [\s\S]+\), /,
    );
    await expectTaken(next);
  });

  it('9. never applies a delta from a version it does not hold', async () => {
    const older = taken.at(-2) as Release;
    const next = await honestNext(false);
    // The manifest offers a delta "from the version held" whose file starts from an older
    // one, and the snapshot is missing: nothing may be applied.
    const fromOlder = await buildPublication({ current: next.snapshot, previous: [older.snapshot], keys: [publisher] });
    const [delta] = fromOlder.manifest.deltas;
    if (!delta) throw new Error('a delta was built');
    const mislabelled = await resigned(fromOlder, {
      ...fromOlder.manifest,
      deltas: [{ ...delta, from: held.version }],
    });
    const snapshotPath = mislabelled.manifest.snapshot.path;
    hostile.publish(mislabelled);
    hostile.lie(snapshotPath, { kind: 'status', status: 404, body: '{"error":"not found"}', type: 'application/json' });
    await syncNow(run);
    await expectRefused(
      '9 delta from a version not held',
      new RegExp(
        `^the server answered with an error \\(${snapshotPath}: HTTP 404; the delta was not used either: it goes from version ${older.version} to ${next.version}, this browser holds ${held.version}\\)${ERROR_DATE.source}`,
      ),
    );

    // The next honest publish offers a delta only from the bundled version: the extension
    // does not even download it and takes the snapshot.
    const onlyFromBundled: Release = {
      ...next,
      publication: await buildPublication({ current: next.snapshot, previous: [bundled], keys: [publisher] }),
    };
    const deltaPath = onlyFromBundled.publication.manifest.deltas[0]?.path as string;
    const asked = hostile.log.length;
    await expectTaken(onlyFromBundled);
    const fetched = hostile.log.slice(asked).map((entry) => entry.path.replace('/v1/directory/', ''));
    expect(fetched).toEqual(['manifest.json', onlyFromBundled.publication.manifest.snapshot.path]);
    expect(fetched).not.toContain(deltaPath);
  });

  it('10. keeps its directory through a 500, a silent host and a captive portal', async () => {
    const next = await honestNext();
    hostile.publish(next.publication);
    hostile.lie('manifest.json', { kind: 'status', status: 500, body: 'Internal Server Error', type: 'text/plain' });
    await syncNow(run);
    await expectRefused(
      '10 server 500',
      new RegExp(`^the server answered with an error \\(manifest\\.json: HTTP 500\\)${ERROR_DATE.source}`),
    );

    hostile.lie('manifest.json', { kind: 'silent' });
    const started = Date.now();
    await syncNow(run);
    const gaveUpAfterMs = Date.now() - started;
    await expectRefused(
      '10 timeout',
      new RegExp(
        `^the directory server stopped answering \\(manifest\\.json: nothing received for 15 s\\)${ERROR_DATE.source}`,
      ),
    );
    expect(gaveUpAfterMs).toBeGreaterThanOrEqual(15_000);
    expect(gaveUpAfterMs).toBeLessThan(25_000);

    const portalPage =
      '<!doctype html><html><head><title>Wi-Fi Gare Casa-Voyageurs</title></head><body><form action="/login">Accepter les conditions</form></body></html>';
    hostile.lie('manifest.json', { kind: 'status', status: 200, body: portalPage, type: 'text/html; charset=utf-8' });
    await syncNow(run);
    await expectRefused(
      '10 captive portal page',
      new RegExp(`^the signed manifest is malformed \\(not JSON\\)${ERROR_DATE.source}`),
    );

    // Portals that redirect instead: the extension follows no redirect (and so never asks the portal).
    const portalRequests = shops.requests.length;
    hostile.lie('manifest.json', {
      kind: 'status',
      status: 302,
      body: '',
      type: 'text/html',
      headers: { Location: shops.urlFor('portail-wifi.test', '/login') },
    });
    await syncNow(run);
    await expectRefused('10 captive portal redirect', /^the directory server could not be reached \(.+\), /);
    expect(shops.requests.slice(portalRequests).filter((request) => request.path.startsWith('portail-wifi'))).toEqual(
      [],
    );
    await expectTaken(next);
  }, 60_000);

  it('rotation: takes a manifest signed only with the new key while both keys are pinned', async () => {
    const next = await honestNext();
    const signedByNewKey: Release = {
      ...next,
      publication: await resigned(next.publication, next.publication.manifest, [nextKey]),
    };
    await expectTaken(signedByNewKey);
    const envelope = JSON.parse(signedByNewKey.publication.manifestText) as { signatures: Array<{ keyId: string }> };
    expect(envelope.signatures.map((signature) => signature.keyId)).toEqual([nextKey.keyId]);
    saidInOptions.push(['rotation, both pinned, new key', `version ${held.version} taken, last problem: none`]);
  });
});

describe('key rotation, once the old key is removed from the build', () => {
  let newKeyOnlyDir: string;

  beforeAll(async () => {
    newKeyOnlyDir = await buildExtension('attacks-rotation-new', {
      directoryUrl: hostile.directoryUrl,
      publicKeys: nextKey.publicKey,
    });
  }, 60_000);

  it('refuses manifests signed only by the old key, and takes the new key', async () => {
    hostile.publish(await buildPublication({ current: honestSnapshot(2), previous: [], keys: [publisher] }));
    // The install-time sync is refused: the bundled directory stays.
    const run = await startRun(newKeyOnlyDir, (status) => status.lastError !== null);
    try {
      expect(await fact(run, 'version')).toBe(String(bundled.version));
      const said = await fact(run, 'last-error');
      saidInOptions.push(['rotation, old key after removal', said]);
      expect(said).toMatch(
        new RegExp(
          `^signed by a key this extension does not trust \\(signed by ${publisher.keyId}\\)${ERROR_DATE.source}`,
        ),
      );
      hostile.publish(await buildPublication({ current: honestSnapshot(3), previous: [], keys: [nextKey] }));
      await syncNow(run);
      expect(await fact(run, 'version')).toBe('3');
      expect(await fact(run, 'last-error')).toBe('none');
    } finally {
      await run.browser.close();
    }
  }, 60_000);
});

describe('the background', () => {
  // Run alone too: it starts a browser of its own and leads it through refusals itself.
  it('logs no error or warning while it refuses a forged, a corrupt and an unreachable update and takes an honest one', async () => {
    const first = honestSnapshot(bundled.version + 1);
    hostile.publish(await buildPublication({ current: first, previous: [bundled], keys: [publisher] }));
    const run = await startRun(bothKeysDir, (status) => status.version === first.version);
    try {
      const next = honestSnapshot(first.version + 1);
      hostile.publish(
        await buildPublication({ current: poisonedSnapshot(next.version), previous: [], keys: [attacker] }),
      );
      await syncNow(run);
      expect(await fact(run, 'last-error')).toMatch(/^signed by a key this extension does not trust/);

      const honest = await buildPublication({ current: next, previous: [], keys: [publisher] });
      const path = honest.manifest.snapshot.path;
      const changed = new Uint8Array(fileOf(honest, path));
      changed[0] = (changed[0] ?? 0) ^ 0x01;
      hostile.publish(honest);
      hostile.lie(path, { kind: 'bytes', bytes: changed, type: 'application/gzip' });
      await syncNow(run);
      expect(await fact(run, 'last-error')).toMatch(/^a file does not match its fingerprint/);

      hostile.lie('manifest.json', { kind: 'status', status: 500, body: 'Internal Server Error', type: 'text/plain' });
      await syncNow(run);
      expect(await fact(run, 'last-error')).toMatch(/^the server answered with an error \(manifest\.json: HTTP 500\)/);

      hostile.publish(honest);
      await syncNow(run);
      expect(await fact(run, 'version')).toBe(String(next.version));
      const shop = await run.browser.context.newPage();
      await shop.goto(shops.urlFor(FIXTURE_SHOPS.danger, '/produit'));
      const tabId = await tabIdFor(run.probe, shops.urlFor(FIXTURE_SHOPS.danger, ''));
      await until(
        'the danger badge',
        async () => (await toolbarBadge(run.probe, tabId)).text === EXPECTED_BADGES.danger,
        10_000,
      );
    } finally {
      await run.browser.close();
    }
    expect(workerProblems.take()).toEqual([]);
  }, 90_000);
});
