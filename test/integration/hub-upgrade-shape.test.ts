/**
 * Requests that are not a well-formed WebSocket upgrade, or not HTTP at all, are refused like every
 * other upgrade: a status and the JSON error body, never ws's or Node's plain text or an empty
 * answer. A head is read up to 32 KiB, so a long valid token still opens a session.
 */
import { connect as netConnect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, signJwt, startHub, token } from '../support/hub.js';

let hub: Hub;
beforeAll(async () => void (hub = await startHub()));
afterAll(() => hub.close());

interface Answer {
  status: number;
  head: string;
  body: unknown;
}

/** Send exactly these bytes and read the whole answer until the hub closes the socket. */
function send(bytes: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => (data = Buffer.concat([data, c])));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const rest = end < 0 ? '' : text.slice(end + 4);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: rest ? (JSON.parse(rest) as unknown) : undefined,
      });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

function upgrade(lines: string[]): string {
  return [...lines, `Host: 127.0.0.1:${hub.port}`, '', ''].join('\r\n');
}

const KEY = `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`;

/** A well-formed upgrade with a valid token, but for what `change` sets. */
async function upgradeWith(change: { method?: string; version?: string; protocol?: string }): Promise<string> {
  return upgrade([
    `${change.method ?? 'GET'} /ws HTTP/1.1`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    KEY,
    `Sec-WebSocket-Version: ${change.version ?? '13'}`,
    `Authorization: Bearer ${await token(hub, { sub: 'alice' })}`,
    `Sec-WebSocket-Protocol: ${change.protocol ?? 'insight.v1'}`,
  ]);
}

describe('an upgrade that is not RFC 6455', () => {
  /** Everything else right (token, subprotocol), so only the shape is wrong. */
  const credentials = async (): Promise<string[]> => [
    `Authorization: Bearer ${await token(hub, { sub: 'alice' })}`,
    'Sec-WebSocket-Protocol: insight.v1',
  ];

  it.each([
    [
      'no Sec-WebSocket-Key',
      ['GET /ws HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'],
      'missing or invalid Sec-WebSocket-Key header',
    ],
    [
      'a key that is not 16 bytes of base64',
      [
        'GET /ws HTTP/1.1',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: abc',
        'Sec-WebSocket-Version: 13',
      ],
      'missing or invalid Sec-WebSocket-Key header',
    ],
    [
      'another protocol in Upgrade',
      ['GET /ws HTTP/1.1', 'Upgrade: h2c', 'Connection: Upgrade', KEY, 'Sec-WebSocket-Version: 13'],
      'Upgrade header must be "websocket"',
    ],
  ])('%s: 400 bad_request in JSON', async (_what, lines, message) => {
    const answer = await send(upgrade([...lines, ...(await credentials())]));
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(answer.body).toEqual({ error: 'bad_request', message });
  });

  it('another version: 400 in JSON, naming the versions it takes', async () => {
    const answer = await send(await upgradeWith({ version: '99' }));
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/^Sec-WebSocket-Version: 13, 8$/im);
    expect(answer.body).toMatchObject({ error: 'bad_request', message: 'Sec-WebSocket-Version must be 13' });
  });

  it('a POST that asks to upgrade: 405 in JSON with Allow: GET', async () => {
    const answer = await send(await upgradeWith({ method: 'POST' }));
    expect(answer.status).toBe(405);
    expect(answer.head).toMatch(/^Allow: GET$/im);
    expect(answer.body).toMatchObject({ error: 'bad_request' });
  });

  it('a subprotocol list ws cannot parse, with a valid token: 400 in JSON', async () => {
    const answer = await send(await upgradeWith({ protocol: 'insight.v1,,x' }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'bad_request', message: 'Invalid Sec-WebSocket-Protocol header' });
  });
});

describe("what Node's HTTP parser refuses", () => {
  it('a head past 32 KiB: 431 too_large in JSON', async () => {
    const answer = await send(
      upgrade(['GET /ws HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', KEY, `X-Pad: ${'p'.repeat(40_000)}`]),
    );
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({ error: 'too_large', message: 'request head larger than 32 KiB' });
  });

  it.each([
    ['bytes that are not HTTP', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n'],
    [
      'both Content-Length and Transfer-Encoding',
      'POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    ],
    ['a NUL in a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'],
  ])('%s: 400 bad_request in JSON', async (_what, bytes) => {
    const answer = await send(Buffer.from(bytes, 'latin1'));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'bad_request', message: 'malformed HTTP request' });
  });

  it('a valid token of 20 KB opens a session, and a short one still does after it', async () => {
    // A token carrying a large extra claim, as an identity provider might issue it.
    const big = await signJwt({ sub: 'big', pad: 'q'.repeat(20_000) });
    expect(big.length).toBeGreaterThan(20_000);
    const client = await connect(hub, big);
    expect(client.welcome.user.sub).toBe('big');
    client.close();
    const short = await connect(hub, await token(hub, { sub: 'short' }));
    expect(short.welcome.user.sub).toBe('short');
    short.close();
  });
});
