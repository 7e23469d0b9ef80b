/** Small HTTP helpers: JSON answers, error answers, bodies with a size cap, upgrade refusals. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { HTTP_STATUS, HubError, refusalFields, type ErrorCode } from '../protocol/index.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  status = HTTP_STATUS[code],
  headers: Record<string, string> = {},
  detail: object = {},
): void {
  sendJson(res, status, { error: code, message, ...detail }, headers);
}

/**
 * 405 for a method a path does not take. The contract's codes have none for it: `bad_request`
 * (the request is wrong as sent) with the precise status and `Allow`; `not_found` would deny a
 * resource that exists.
 */
export function sendMethodNotAllowed(
  res: ServerResponse,
  method: string | undefined,
  allowed: readonly string[],
): void {
  sendError(res, 'bad_request', `method ${method ?? '?'} not allowed here (allowed: ${allowed.join(', ')})`, 405, {
    allow: allowed.join(', '),
  });
}

export function sendHubError(res: ServerResponse, err: unknown): void {
  // A refused credential also says why (`reason`, and `until` for a ban) as fields.
  if (err instanceof HubError)
    sendError(res, err.code, err.message, err.status, retryAfter(err.code), refusalFields(err));
  else sendError(res, 'internal', 'internal error');
}

/** An outage passes: a short Retry-After keeps a refused client from backing off long after it. */
export function retryAfter(code: ErrorCode): Record<string, string> {
  return code === 'unavailable' || code === 'outcome_unknown' ? { 'retry-after': '1' } : {};
}

/**
 * Refuse an upgrade before any `101`: an HTTP status with a JSON body, then the socket is closed.
 */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  code: ErrorCode,
  message: string,
  detail: object = {},
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  socket.end(refusalText(status, code, message, detail, headers));
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The largest request head the hub reads (a bearer token rides in it); past it: 431 in JSON. */
export const MAX_HEAD_BYTES = 32 * 1024;

/**
 * What Node's HTTP parser refuses before the hub sees a request — a head past MAX_HEAD_BYTES, bytes
 * that are not HTTP, a request not complete in time — answered like every other refusal: a status
 * and the JSON error body, then closed. A peer that reset the connection, or a connection that has
 * begun a response already, gets nothing more.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW')
    refuseUpgrade(socket, 431, 'too_large', `request head larger than ${MAX_HEAD_BYTES / 1024} KiB`);
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    refuseUpgrade(socket, 408, 'bad_request', 'request not complete in time');
  else refuseUpgrade(socket, 400, 'bad_request', 'malformed HTTP request');
}

/** A whole HTTP response refusing a request: status line, headers and the JSON error body. */
export function refusalText(
  status: number,
  code: ErrorCode,
  message: string,
  detail: object = {},
  headers: Record<string, string> = {},
): string {
  const body = JSON.stringify({ error: code, message, ...detail });
  const extra = Object.entries({ ...retryAfter(code), ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Connection: close\r\n' +
    extra +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    '\r\n' +
    body
  );
}

/** Read a JSON body of at most `limit` bytes; too large → 413, not JSON → 400. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HubError('too_large', `request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HubError('too_large', `request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HubError('bad_request', 'request body is not valid JSON');
  }
}

/** How many `Authorization` headers were sent: Node keeps only the first in `req.headers`. */
export function authorizationHeaderCount(req: IncomingMessage): number {
  let headers = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'authorization') headers++;
  return headers;
}

/**
 * `Authorization: Bearer <token>` or undefined. Two headers are refused (400): a proxy that reads
 * the last and the hub, the first, would disagree about who is calling.
 */
export function bearerToken(req: IncomingMessage): string | undefined {
  const count = authorizationHeaderCount(req);
  if (count > 1)
    throw new HubError('bad_request', `more than one credential (${count} Authorization headers): send the token once`);
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Where the connection guard keeps the address it counted a socket under (one string per address). */
export const PEER_ADDRESS = Symbol('peerAddress');
type AddressedSocket = { [PEER_ADDRESS]?: string; _parent?: AddressedSocket };

export function clientIp(req: IncomingMessage): string {
  const socket = req.socket as unknown as AddressedSocket;
  // Behind TLS the request's socket wraps the TCP socket the guard counted.
  return (socket._parent ?? socket)[PEER_ADDRESS] ?? req.socket.remoteAddress ?? 'unknown';
}
