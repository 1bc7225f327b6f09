import type { Reply, Request, ResponseMap } from './messages.ts';

// The sending side of the protocol, apart from its schemas: the content script runs on
// every shop page and must stay small, so it imports types only (no zod, no PSL), and
// sends with the browser's own promise API (Firefox's `browser`, Chromium's MV3 `chrome`)
// rather than the polyfill, whose set-up would run on every page for one call.

interface MessageSender {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
}

function runtimeApi(): MessageSender {
  const scope = globalThis as { browser?: MessageSender; chrome?: MessageSender };
  const api = scope.browser?.runtime ? scope.browser : scope.chrome;
  if (!api?.runtime) throw new RequestFailed('not running in the extension');
  return api;
}

export class RequestFailed extends Error {
  override name = 'RequestFailed';
}

/** Sends one request to the background and returns its typed answer. */
export async function sendRequest<R extends Request>(request: R): Promise<ResponseMap[R['type']]> {
  const reply = (await runtimeApi().runtime.sendMessage(request)) as Reply<ResponseMap[R['type']]> | undefined;
  if (!reply) throw new RequestFailed('no answer from the background');
  if (!reply.ok) throw new RequestFailed(reply.error);
  return reply.value;
}
