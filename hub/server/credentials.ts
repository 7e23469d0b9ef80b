/** Where a token may come from at upgrade: the bearer subprotocol or the Authorization header. */
import type { IncomingMessage } from 'node:http';
import { BEARER_PREFIX } from '../protocol/index.js';
import { bearerToken } from '../http/http-util.js';

const QUERY_TOKEN_PARAMS = ['token', 'access_token', 'jwt', 'auth', 'bearer'];

export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((p) => p.trim()).filter(Boolean);
}

export function upgradeToken(req: IncomingMessage, subprotocols: string[]): string | undefined {
  const fromProtocol = subprotocols.find((p) => p.startsWith(BEARER_PREFIX));
  if (fromProtocol) return fromProtocol.slice(BEARER_PREFIX.length);
  return bearerToken(req);
}

/** Tokens in the query string end up in logs, so their mere presence is refused. */
export function hasQueryToken(url: URL): boolean {
  for (const key of url.searchParams.keys()) {
    if (QUERY_TOKEN_PARAMS.includes(key.toLowerCase())) return true;
  }
  return false;
}
