/** The client side of the HTTP/1.1 upgrade, written and read by hand (no http module on the hot path). */
import { createHash, randomBytes } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export interface UpgradeRequest {
  request: Buffer;
  /** The `Sec-WebSocket-Accept` value a correct server answers with. */
  expectedAccept: string;
}

export function buildUpgradeRequest(host: string, path: string, headers: Record<string, string> = {}): UpgradeRequest {
  const key = randomBytes(16).toString('base64');
  let text =
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
  return { request: Buffer.from(text + '\r\n'), expectedAccept: acceptFor(key) };
}

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

export type UpgradeResponse =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }
  | {
      kind: 'response';
      status: number;
      headers: Map<string, string>;
      /** Bytes after the header block: frames (101) or the start of an error body. */
      rest: Buffer;
    };

/** Parse the response head once the whole header block has arrived. */
export function parseUpgradeResponse(buf: Buffer): UpgradeResponse {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) {
    return buf.length > MAX_HEADER_BYTES
      ? { kind: 'invalid', reason: 'header block too large' }
      : { kind: 'incomplete' };
  }
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(lines[0]);
  if (!status) return { kind: 'invalid', reason: `bad status line: ${lines[0].slice(0, 80)}` };
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers.set(lines[i].slice(0, colon).trim().toLowerCase(), lines[i].slice(colon + 1).trim());
  }
  return { kind: 'response', status: Number(status[1]), headers, rest: buf.subarray(end + HEADER_END.length) };
}
