import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';

// The intake route behind a real Node HTTP server, as `thiqa serve` runs it: the body limit
// judges a Content-Length without building a web Request (report-routes.ts), and counts a
// chunked body as it arrives. app.request() in the other tests never sends Content-Length.

const report = () =>
  JSON.stringify({
    url: 'https://www.casa-deals.test/promo/iphone',
    reason: 'non-delivery',
    details: 'Payé à la livraison, colis vide.',
    idempotencyKey: randomUUID(),
  });

describe('POST /v1/reports over HTTP', () => {
  let service: TestService;
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeAll(async () => {
    service = await openTestService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
    server = await new Promise((resolve) => {
      const started = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await service.close();
  });

  /** Sends `chunks`, chunked when `chunked`, else with their Content-Length. */
  const post = (chunks: string[], chunked: boolean, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; type: string | undefined; headers: IncomingHttpHeaders }>(
      (resolve, reject) => {
        const body = chunks.join('');
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/reports',
            headers: {
              'content-type': 'application/json',
              ...headers,
              ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) }),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (part: string) => {
              text += part;
            });
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                body: text,
                type: response.headers['content-type'],
                headers: response.headers,
              }),
            );
          },
        );
        // A refused upload may be cut short by the server: the answer is what counts.
        request.on('error', reject);
        for (const chunk of chunks) request.write(chunk);
        request.end();
      },
    );

  const stored = async () =>
    Number(
      (
        await service.registry.db
          .selectFrom('reports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores a report sent with its Content-Length, and one sent in chunks', async () => {
    const before = await stored();
    const whole = await post([report()], false);
    expect(whole.status).toBe(201);
    expect(JSON.parse(whole.body)).toMatchObject({ status: 'received' });
    const text = report();
    const chunked = await post([text.slice(0, 20), text.slice(20)], true);
    expect(chunked.status).toBe(201);
    expect(await stored()).toBe(before + 2);
  });

  it.each([
    ['with a Content-Length', false],
    ['in chunks', true],
  ])('refuses a body over 16 KB sent %s with 413, storing nothing', async (_, chunked) => {
    const before = await stored();
    const oversize = JSON.stringify({ ...JSON.parse(report()), details: 'x'.repeat(17 * 1024) });
    const answer = await post(chunked ? [oversize.slice(0, 8000), oversize.slice(8000)] : [oversize], chunked);
    expect(answer.status).toBe(413);
    expect(answer.type).toBe('application/problem+json');
    expect(await stored()).toBe(before);
  });

  it('answers an extension with CORS headers and a web page without, Vary: Origin on both', async () => {
    const extension = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const fromExtension = await post([report()], false, { origin: extension });
    expect(fromExtension.status).toBe(201);
    expect(fromExtension.headers['access-control-allow-origin']).toBe(extension);
    expect(fromExtension.headers.vary).toBe('Origin');
    const fromPage = await post([report()], false, { origin: 'https://evil.example' });
    expect(fromPage.headers['access-control-allow-origin']).toBeUndefined();
    expect(fromPage.headers.vary).toBe('Origin');
    // An answer the schema refuses carries them too: the extension must be able to read it.
    const refused = await post(['{"reason":"fraud"}'], false, { origin: extension });
    expect(refused.status).toBe(400);
    expect(refused.headers['access-control-allow-origin']).toBe(extension);
    expect(refused.headers.vary).toBe('Origin');
  });
});
