import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { openForm, postForm } from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { PublishedDirectory } from './published-directory.ts';

// What an attack review of the portal found, each kept fixed: a link off-site from the
// 404 page, mistakes that spent the report allowance, headers missing or out of place,
// and a damaged folder read again on every request.

describe('the portal under attack', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService({ reportRateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  it('never links to another site from a page asked for at //evil.example/…', async () => {
    const page = await readPortalPage(await service.send('GET', '//evil.example/x?lang=fr'));
    expect(page.status).toBe(404);
    const links = [...page.document.querySelectorAll('a')].map((link) => link.getAttribute('href') ?? '');
    expect(links.filter((href) => href.startsWith('//') || /^[a-z]+:/i.test(href))).toEqual([
      // The footer's only absolute link is to the service's own API document, by path.
    ]);
    expect(page.document.querySelector('.languages a[hreflang="ar"]')?.getAttribute('href')).toBe(
      '/evil.example/x?lang=ar',
    );
  });

  it('spends the report allowance on reports only, not on forms sent back with a mistake', async () => {
    const from = '198.51.100.77';
    for (let i = 0; i < 6; i++) {
      const form = await openForm(service, '/report?lang=en');
      const refused = await postForm(service, '/report?lang=en', form, { url: '', reason: '' }, { from });
      expect(refused.status).toBe(400);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const form = await openForm(service, '/report?lang=en');
      const sent = await postForm(
        service,
        '/report?lang=en',
        form,
        { url: `https://souk-mirage-${i}.ma/`, reason: 'fraud' },
        { from },
      );
      statuses.push(sent.status);
    }
    expect(statuses).toEqual([303, 303, 303, 429]);
  });

  it('sends the pages’ headers on anything but the badge image itself', async () => {
    const posted = await service.send('POST', '/badge/atlas-electro.svg', 'x', { 'Content-Type': 'text/plain' });
    expect(posted.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(posted.headers.get('X-Frame-Options')).toBe('DENY');
    const badge = await service.send('GET', '/badge/atlas-electro.svg?lang=fr');
    expect(badge.headers.get('Set-Cookie')).toBeNull();
  });

  it('keeps the language cookie and Vary off the year-long cached stylesheet, and sets the cookie once', async () => {
    const home = await readPortalPage(await service.send('GET', '/?lang=fr'));
    const href = home.document.querySelector('link[rel="stylesheet"]')?.getAttribute('href') ?? '';
    const css = await service.send('GET', `${href}?lang=en`);
    expect(css.status).toBe(200);
    expect(css.headers.get('Set-Cookie')).toBeNull();
    expect(css.headers.get('Vary')).toBeNull();
    const missing = await service.send('GET', '/no-such-page?lang=fr');
    expect(missing.headers.getSetCookie()).toHaveLength(1);
  });
});

describe('a damaged published folder', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'thiqa-damaged-'));
    await writeFile(join(folder, 'manifest.json'), '{ not json');
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('is read once, not on every request, until it changes', async () => {
    const errors: unknown[] = [];
    const published = new PublishedDirectory(folder, (error) => errors.push(error));
    expect(await published.current()).toBeNull();
    expect(await published.current()).toBeNull();
    expect(errors).toHaveLength(1);
    await writeFile(join(folder, 'manifest.json'), '{ still not json }');
    expect(await published.current()).toBeNull();
    expect(errors).toHaveLength(2);
  });
});
