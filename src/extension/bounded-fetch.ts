import { concatBytes } from '../directory/bytes.ts';

/** A `fetch` as the services use it: injected, so tests can hand a local one. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class DownloadTooLarge extends Error {
  override name = 'DownloadTooLarge';
}

/** The body stopped before its end (connection cut, Content-Length not reached). */
export class DownloadInterrupted extends Error {
  override name = 'DownloadInterrupted';
}

/**
 * Reads a response body, stopping as soon as it passes `maxBytes`: a server (or a
 * network in between) cannot make the extension hold more than the manifest promised.
 */
export async function readBounded(
  response: Response,
  maxBytes: number,
  onProgress: () => void = () => {},
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new DownloadTooLarge(`${declared} bytes announced, at most ${maxBytes} expected`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The headers arrived, so the host was reached: say the transfer broke, and where.
      throw new DownloadInterrupted(`the connection broke after ${total} bytes (${(error as Error).message})`);
    }
    const { done, value } = chunk;
    if (done) break;
    onProgress();
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new DownloadTooLarge(`more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/**
 * Aborts a request once nothing has arrived for `stallMs`: a server that accepts the
 * connection and then says nothing (or trickles to a halt) would otherwise hold the sync,
 * and every later sync that joins it, for as long as the browser keeps the socket.
 */
export class StallWatchdog {
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fired = false;

  constructor(readonly stallMs: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the request was aborted for silence. */
  get fired(): boolean {
    return this.#fired;
  }

  /** Something arrived: the silence starts again from now. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#fired = true;
      this.#controller.abort();
    }, this.stallMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
