/** Test support: a raw TCP WebSocket peer that writes exact bytes and reads the hub's frames unparsed by `ws`. */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Hub } from '../../hub/server/types.js';
import type { ServerMessage } from '../../hub/protocol/index.js';

/** The TCP socket under a `ws` client (to pause its reading, or to write raw bytes). */
export function underlyingSocket(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** A masked client frame, built byte by byte (opcode 0x1 text, 0x2 binary, 0x8 close …). */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const header = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) header[1] = 0x80 | len;
  else if (len < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

/** One frame the hub sent, parsed from raw bytes (server frames are never masked). */
export interface RawFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A raw TCP WebSocket peer: exact bytes out, frames in, no automatic pong or close reply. */
export class RawPeer {
  readonly frames: RawFrame[] = [];
  /** After a refusal (no 101): the HTTP body bytes. */
  body = Buffer.alloc(0);
  ended = false;
  private buffer = Buffer.alloc(0);

  constructor(
    readonly socket: Socket,
    readonly response: string,
    rest: Buffer,
  ) {
    const upgraded = this.status === 101;
    const take = (chunk: Buffer): void =>
      upgraded ? this.onData(chunk) : void (this.body = Buffer.concat([this.body, chunk]));
    socket.on('data', take);
    socket.on('close', () => (this.ended = true));
    socket.on('error', () => {});
    if (rest.length > 0) take(rest);
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.response)?.[1] ?? 0);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + len) return;
      this.frames.push({ fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + len) });
      this.buffer = b.subarray(offset + len);
    }
  }

  /** JSON messages from the hub's text frames. */
  messages(): ServerMessage[] {
    return this.frames
      .filter((f) => f.opcode === 0x1)
      .map((f) => JSON.parse(f.payload.toString('utf8')) as ServerMessage);
  }

  /** The close code the hub sent, if it sent a close frame. */
  get closeCode(): number | undefined {
    const close = this.frames.find((f) => f.opcode === 0x8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendText(text: string | Buffer): void {
    this.write(clientFrame(0x1, Buffer.isBuffer(text) ? text : Buffer.from(text)));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Upgrade over a raw TCP socket with exactly the headers given (plus the WebSocket key/version).
 * Resolves once the hub answered, whether 101 or a refusal.
 */
export function rawUpgrade(
  hub: Hub,
  /** A list of pairs sends a header name more than once. */
  headers: Record<string, string> | Array<[string, string]>,
  path = '/ws',
): Promise<RawPeer> {
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${hub.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(Array.isArray(headers) ? headers : Object.entries(headers)).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(new RawPeer(socket, head.subarray(0, end + 4).toString('latin1'), head.subarray(end + 4)));
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n'));
  });
}
