import { describe, expect, it } from 'vitest';
import { DownloadInterrupted, DownloadTooLarge, readBounded, StallWatchdog } from './bounded-fetch.ts';

/** A response whose body yields `chunks`, then ends, or breaks if `breakAfter` is set. */
function responseOf(chunks: number[], options: { breakAfter?: boolean; contentLength?: number } = {}): Response {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = chunks[index++];
      if (size !== undefined) controller.enqueue(new Uint8Array(size));
      else if (options.breakAfter) controller.error(new TypeError('network error'));
      else controller.close();
    },
  });
  const headers: Record<string, string> =
    options.contentLength === undefined ? {} : { 'Content-Length': String(options.contentLength) };
  return new Response(body, { headers });
}

describe('readBounded', () => {
  it('reads a body within its bound, reporting each chunk', async () => {
    let chunksSeen = 0;
    const bytes = await readBounded(responseOf([3, 4]), 7, () => chunksSeen++);
    expect(bytes.length).toBe(7);
    expect(chunksSeen).toBe(2);
  });

  it.each([
    ['an endless body', responseOf([4, 4, 4, 4]), /^more than 7 bytes$/],
    [
      'a larger announced length',
      responseOf([4], { contentLength: 1_000 }),
      /^1000 bytes announced, at most 7 expected$/,
    ],
  ])('stops %s at the bound', async (_name, response, message) => {
    const read = readBounded(response, 7);
    await expect(read).rejects.toThrow(DownloadTooLarge);
    await expect(read).rejects.toThrow(message);
  });

  it('says where a body broke off', async () => {
    const read = readBounded(responseOf([5], { breakAfter: true }), 100);
    await expect(read).rejects.toThrow(DownloadInterrupted);
    await expect(read).rejects.toThrow('the connection broke after 5 bytes (network error)');
  });
});

describe('StallWatchdog', () => {
  it('aborts after a silence, and not while something keeps arriving', async () => {
    const watchdog = new StallWatchdog(60);
    for (let i = 0; i < 4; i++) {
      await new Promise((done) => setTimeout(done, 30));
      watchdog.touch();
    }
    expect(watchdog.signal.aborted).toBe(false);
    await new Promise((done) => setTimeout(done, 120));
    expect(watchdog.fired).toBe(true);
    expect(watchdog.signal.aborted).toBe(true);
  });
});
