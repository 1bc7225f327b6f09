import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SendRequest } from '../extension/messages.ts';

/** How a screen asks the background: handed in by the page's entrypoint, so the screens know only the protocol. */
export const RequestContext = createContext<SendRequest | null>(null);

export function useSendRequest(): SendRequest {
  const send = useContext(RequestContext);
  if (!send) throw new Error('a page must provide its request sender');
  return send;
}
