/**
 * Opening one connection: the WebSocket implementation, then the link to a hub URL. Either can
 * fail in a way retrying will not mend (no implementation, a malformed URL): that is a Stop.
 */
import type { Stop } from './close-policy.js';
import { messageOf } from './server-frames.js';
import { Link, resolveWebSocket, type LinkEvents } from './transport.js';
import type { WebSocketConstructor } from './types.js';

/** The app's WebSocket, the platform's, or the `ws` package's; a Stop when there is none. */
export async function webSocketImpl(given?: WebSocketConstructor): Promise<WebSocketConstructor | Stop> {
  try {
    return await resolveWebSocket(given);
  } catch (err) {
    return { code: 1006, reason: `no WebSocket implementation: ${messageOf(err)}`, cause: 'cannot_connect' };
  }
}

/** A link to `url` with `token`, or a Stop when the URL cannot be opened at all. */
export function dial(
  ctor: WebSocketConstructor,
  url: string,
  token: string,
  events: LinkEvents,
  ackTimeoutMs: number,
): Link | Stop {
  try {
    return new Link(ctor, url, token, events, ackTimeoutMs);
  } catch (err) {
    return { code: 1006, reason: `cannot open ${url}: ${messageOf(err)}`, cause: 'cannot_connect' };
  }
}
