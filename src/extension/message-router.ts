import { describeSchemaError } from '../directory/schemas.ts';
import { CONTENT_SCRIPT_REQUESTS, type Reply, type Request, type ResponseMap, requestSchema } from './messages.ts';

/** What the router knows about who sent a message, from `runtime.onMessage`'s sender. */
export interface MessageSender {
  id?: string;
  url?: string;
  frameId?: number;
  tab?: { id?: number };
}

/** Who is asking: an extension page, or the content script of one tab. */
export type Caller = { kind: 'extension-page' } | { kind: 'content-script'; tabId: number };

export type Handlers = {
  [T in keyof ResponseMap]: (request: Extract<Request, { type: T }>, caller: Caller) => Promise<ResponseMap[T]>;
};

function callerOf(sender: MessageSender, runtimeId: string, extensionOrigin: string): Caller | null {
  if (sender.id !== runtimeId) return null;
  if (sender.url?.startsWith(extensionOrigin)) return { kind: 'extension-page' };
  // Our content script runs in top frames only; anything else is not one of ours.
  if (sender.tab?.id !== undefined && sender.frameId === 0) return { kind: 'content-script', tabId: sender.tab.id };
  return null;
}

/**
 * The background's receiver: checks the sender, parses the request with its schema,
 * then calls its handler. Refusals are answers, not exceptions, so a page sees why.
 */
export function createMessageRouter(handlers: Handlers, runtimeId: string, extensionOrigin: string) {
  return async (message: unknown, sender: MessageSender): Promise<Reply<unknown>> => {
    const caller = callerOf(sender, runtimeId, extensionOrigin);
    if (!caller) return { ok: false, error: 'unknown sender' };
    const parsed = requestSchema.safeParse(message);
    if (!parsed.success) return { ok: false, error: describeSchemaError(parsed.error, 'request') };
    const request = parsed.data;
    if (caller.kind === 'content-script' && !CONTENT_SCRIPT_REQUESTS.has(request.type)) {
      return { ok: false, error: `${request.type} is not allowed from a web page` };
    }
    try {
      const handler = handlers[request.type] as (request: Request, caller: Caller) => Promise<unknown>;
      return { ok: true, value: await handler(request, caller) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
