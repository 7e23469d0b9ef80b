/**
 * encodeTextFrame / encodeMessage: exact header bytes for each length class, and the same bytes
 * decoded by a real `ws` client (fed over a raw TCP server, in one write and byte by byte).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeMessage, encodeTextFrame } from '../../hub/core/frame.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

describe('encodeTextFrame header bytes', () => {
  it.each([
    [0, [0x81, 0x00]],
    [1, [0x81, 0x01]],
    [125, [0x81, 125]],
    [126, [0x81, 126, 0x00, 126]],
    [127, [0x81, 126, 0x00, 127]],
    [65535, [0x81, 126, 0xff, 0xff]],
    [65536, [0x81, 127, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00]],
    [70_000, [0x81, 127, 0, 0, 0, 0, 0x00, 0x01, 0x11, 0x70]],
  ])('a payload of %i bytes', (length, header) => {
    const payload = Buffer.alloc(length, 0x61);
    const frame = encodeTextFrame(payload);
    expect([...frame.subarray(0, header.length)]).toEqual(header);
    expect(frame.length).toBe(header.length + length);
    expect(frame.subarray(header.length).equals(payload)).toBe(true);
  });

  it('is FIN + text, unmasked, with no reserved bits (compression stays off)', () => {
    const frame = encodeTextFrame(Buffer.from('{}'));
    expect(frame[0]! & 0x80).toBe(0x80);
    expect(frame[0]! & 0x70).toBe(0);
    expect(frame[0]! & 0x0f).toBe(0x1);
    expect(frame[1]! & 0x80).toBe(0);
  });

  it('encodeMessage serializes JSON as UTF-8 once into one frame', () => {
    const message = { type: 'message', data: { text: 'grüße 👋' } };
    const frame = encodeMessage(message);
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    expect(frame.equals(encodeTextFrame(json))).toBe(true);
    expect(frame[1]).toBe(json.length);
  });

  it.each([100, 118, 119, 120, 121, 65_520, 65_530, 70_000])(
    'encodeMessage sizes the header by UTF-8 bytes, not characters (%i × "ü")',
    (count) => {
      const message = { t: 'ü'.repeat(count) };
      const json = Buffer.from(JSON.stringify(message), 'utf8');
      expect(encodeMessage(message).equals(encodeTextFrame(json))).toBe(true);
    },
  );
});

/** A bare TCP server that completes the WebSocket handshake by hand, then writes what it is told. */
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function rawServer(onUpgraded: (socket: Socket) => unknown): Promise<number> {
  server = createServer((socket) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /sec-websocket-key: *(\S+)/i.exec(head)![1]!;
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      void onUpgraded(socket);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as AddressInfo).port;
}

/** Connect a `ws` client and collect `count` messages as [text, isBinary]. */
function receive(port: number, count: number): Promise<Array<[string, boolean]>> {
  return new Promise((resolve, reject) => {
    const got: Array<[string, boolean]> = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    ws.on('message', (data, isBinary) => {
      got.push([(data as Buffer).toString('utf8'), isBinary]);
      if (got.length === count) {
        ws.terminate();
        resolve(got);
      }
    });
    ws.on('error', reject);
    ws.on('close', (code) =>
      got.length < count ? reject(new Error(`closed ${code} after ${got.length}`)) : undefined,
    );
  });
}

const payloads = [
  '',
  '{"type":"pong"}',
  'x'.repeat(125),
  'y'.repeat(126),
  JSON.stringify({ type: 'message', data: 'z'.repeat(65_535 - 30) }),
  'w'.repeat(65_536),
  JSON.stringify({
    type: 'message',
    data: { text: 'grüße 👋 — ✓', rows: Array.from({ length: 3000 }, (_, i) => [i, `r${i}`]) },
  }),
];

describe('what a ws client decodes', () => {
  it('decodes frames written back to back in one write', async () => {
    const port = await rawServer((socket) =>
      socket.write(Buffer.concat(payloads.map((p) => encodeTextFrame(Buffer.from(p, 'utf8'))))),
    );
    const got = await receive(port, payloads.length);
    expect(got).toEqual(payloads.map((p) => [p, false]));
  });

  it('decodes the same frames delivered a few bytes at a time', async () => {
    const small = payloads.filter((p) => p.length < 200);
    const bytes = Buffer.concat(small.map((p) => encodeTextFrame(Buffer.from(p, 'utf8'))));
    const port = await rawServer(async (socket) => {
      for (let i = 0; i < bytes.length; i += 3) {
        socket.write(bytes.subarray(i, i + 3));
        await new Promise((r) => setImmediate(r));
      }
    });
    const got = await receive(port, small.length);
    expect(got).toEqual(small.map((p) => [p, false]));
  });

  it('decodes encodeMessage frames as the JSON that was encoded', async () => {
    const messages = [
      { type: 'welcome', n: 1 },
      { type: 'message', data: { deep: [[[1]]] } },
      { type: 'notice', event: 'shutdown', reconnectAfterMs: 2000 },
    ];
    const port = await rawServer((socket) => socket.write(Buffer.concat(messages.map(encodeMessage))));
    const got = await receive(port, messages.length);
    expect(got.map(([text]) => JSON.parse(text))).toEqual(messages);
  });
});

describe('encodeMessage in place equals the two-step encoding', () => {
  it.each([
    0, 1, 60, 61, 62, 63, 64, 32_760, 32_761, 32_762, 32_763, 21_840, 21_841, 21_842, 16_380, 16_381, 16_382, 16_383,
  ])('for %i repetitions of each unit, and for lone surrogates', (count) => {
    for (const unit of ['é', '€', '😀', '\ud800', 'a']) {
      const message = { t: unit.repeat(count) };
      expect(encodeMessage(message).equals(encodeTextFrame(Buffer.from(JSON.stringify(message), 'utf8')))).toBe(true);
    }
  });
});
