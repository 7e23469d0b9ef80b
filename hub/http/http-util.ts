/** Small HTTP helpers: JSON answers, error answers, bodies with a size cap, upgrade refusals. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { HTTP_STATUS, HubError, type ErrorCode } from '../protocol/index.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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

export function sendError(res: ServerResponse, code: ErrorCode, message: string, status = HTTP_STATUS[code], headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: code, message }, headers);
}

/**
 * 405 for a method a path does not take. The contract's codes have none for it: `bad_request`
 * (the request is wrong as sent) with the precise status and `Allow`; `not_found` would deny a
 * resource that exists.
 */
export function sendMethodNotAllowed(res: ServerResponse, method: string | undefined, allowed: readonly string[]): void {
  sendError(res, 'bad_request', `method ${method ?? '?'} not allowed here (allowed: ${allowed.join(', ')})`, 405, { allow: allowed.join(', ') });
}

export function sendHubError(res: ServerResponse, err: unknown): void {
  if (err instanceof HubError) sendError(res, err.code, err.message, err.status);
  else sendError(res, 'internal', 'internal error');
}

/**
 * Refuse an upgrade before any `101`: an HTTP status with a JSON body, then the socket is closed.
 */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
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

/** `Authorization: Bearer <token>` or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
