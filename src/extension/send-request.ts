import browser from 'webextension-polyfill';
import type { Reply, Request, ResponseMap } from './messages.ts';

// The sending side of the protocol, apart from its schemas: the content script runs on
// every shop page and must stay small, so it imports types only (no zod, no PSL).

export class RequestFailed extends Error {
  override name = 'RequestFailed';
}

/** Sends one request to the background and returns its typed answer. */
export async function sendRequest<R extends Request>(request: R): Promise<ResponseMap[R['type']]> {
  const reply = (await browser.runtime.sendMessage(request)) as Reply<ResponseMap[R['type']]> | undefined;
  if (!reply) throw new RequestFailed('no answer from the background');
  if (!reply.ok) throw new RequestFailed(reply.error);
  return reply.value;
}
