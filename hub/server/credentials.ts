/** Where a token may come from at upgrade: the bearer subprotocol or the Authorization header. */
import type { IncomingMessage } from 'node:http';
import { BEARER_PREFIX, HubError } from '../protocol/index.js';
import { authorizationHeaderCount, bearerToken } from '../http/http-util.js';

const QUERY_TOKEN_PARAMS = ['token', 'access_token', 'jwt', 'auth', 'bearer'];

export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The one token of an upgrade. Two credentials (two Authorization headers, which Node would quietly
 * reduce to the first; a header and a `bearer.` entry; two `bearer.` entries) are refused: a proxy
 * and the hub could each pick a different one and disagree about who the user is.
 */
export function upgradeToken(req: IncomingMessage, subprotocols: string[]): string | undefined {
  const fromProtocol = subprotocols.filter((p) => p.startsWith(BEARER_PREFIX));
  const headers = authorizationHeaderCount(req);
  if (fromProtocol.length + headers > 1) {
    throw new HubError(
      'bad_request',
      `more than one credential (${headers} Authorization header(s), ${fromProtocol.length} bearer subprotocol entr${fromProtocol.length === 1 ? 'y' : 'ies'}): send the token once`,
    );
  }
  if (fromProtocol.length === 1) return fromProtocol[0].slice(BEARER_PREFIX.length);
  return bearerToken(req);
}

/** Tokens in the query string end up in logs, so their mere presence is refused. */
export function hasQueryToken(url: URL): boolean {
  for (const key of url.searchParams.keys()) {
    if (QUERY_TOKEN_PARAMS.includes(key.toLowerCase())) return true;
  }
  return false;
}
