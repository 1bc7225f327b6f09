import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';

// The portal answers from the published directory it holds in memory: once a publication
// is read, a check or a merchant's page costs no database query (issue 11's speed figure
// depends on it; `npm run bench` measures it).

describe('the portal’s pages from memory', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService();
  });
  afterAll(async () => service.close());

  it('sends no database query for a check, a search, a certificate or a badge once the publication is read', async () => {
    const pages = [
      '/?lang=fr',
      '/check?q=https%3A%2F%2Fwww.atlas-electro.test%2Fproduit&lang=fr',
      '/check?q=promo-iphone-maroc.test&lang=ar',
      '/check?q=inconnue.ma&lang=en',
      '/merchants?q=argan&lang=fr',
      '/merchants/atlas-electro?lang=ar',
      '/merchants/casa-deals?lang=fr',
      '/badge/atlas-electro.svg',
    ];
    for (const path of pages) expect((await service.send('GET', path)).status, path).toBe(200);
    const executor = service.registry.db.getExecutor();
    const queries = vi.spyOn(executor, 'executeQuery');
    try {
      for (const path of pages) expect((await service.send('GET', path)).status, path).toBe(200);
      expect(queries).not.toHaveBeenCalled();
      // The spy does see queries: a report's status page reads the report.
      await service.send('GET', '/report/AAAAAAAAAAAAAAAAAAAAAA');
      expect(queries).toHaveBeenCalled();
    } finally {
      queries.mockRestore();
    }
  });
});
