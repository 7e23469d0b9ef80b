/**
 * The upgrade path admits exactly `/ws` (with or without a query), refuses a token in the query
 * string without echoing it, answers a frame written right behind the request, and a client that
 * leaves mid-handshake leaves no session or connection count behind.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import {
  clientFrame,
  connect,
  rawUpgrade,
  startHub,
  startHubWithCore,
  token,
  until,
  type TestClient,
} from '../support/hub.js';

let hub: Hub;
let core: HubCore;
let valid: string;
let bystander: TestClient;

beforeAll(async () => {
  ({ hub, core } = await startHubWithCore({ limits: { maxConnectionsPerUser: 1000 } }));
  valid = await token(hub, { sub: 'alice' });
  bystander = await connect(hub, await token(hub, { sub: 'bystander' }));
});
afterAll(async () => {
  bystander.close();
  await hub.close();
});

async function statusFor(path: string, tok: string | undefined = valid): Promise<number> {
  const peer = await rawUpgrade(
    hub,
    {
      'Sec-WebSocket-Protocol': 'insight.v1',
      ...(tok ? { Authorization: `Bearer ${tok}` } : {}),
    },
    path,
  );
  peer.destroy();
  return peer.status;
}

/** A raw request written in one go, with anything after the blank line in the same write. */
function rawWrite(bytes: Buffer): Promise<{ socket: Socket; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(bytes);
      resolve({ socket, chunks });
    });
  });
}

function upgradeRequest(tok: string, path = '/ws'): string {
  return (
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${hub.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: insight.v1',
      `Authorization: Bearer ${tok}`,
    ].join('\r\n') + '\r\n\r\n'
  );
}

/** Text frames in raw server bytes after the HTTP head. */
function framesAfterHead(bytes: Buffer): string[] {
  const end = bytes.indexOf('\r\n\r\n');
  let b = bytes.subarray(end + 4);
  const out: string[] = [];
  while (b.length >= 2) {
    let len = b[1]! & 0x7f;
    let off = 2;
    if (len === 126) ((len = b.readUInt16BE(2)), (off = 4));
    else if (len === 127) ((len = Number(b.readBigUInt64BE(2))), (off = 10));
    if (b.length < off + len) break;
    if ((b[0]! & 0x0f) === 1) out.push(b.subarray(off, off + len).toString('utf8'));
    b = b.subarray(off + len);
  }
  return out;
}

const settled = async (): Promise<void> => {
  await until(() => core.sessions.size === 1 && core.connections.total === 1, 5000, 'only the bystander left');
};

describe('request targets', () => {
  it('upgrades /ws, /ws? and /ws?x=1', async () => {
    expect(await statusFor('/ws')).toBe(101);
    expect(await statusFor('/ws?')).toBe(101);
    expect(await statusFor('/ws?x=1')).toBe(101);
    await settled();
  });

  it.each(['/ws/', '//ws', '/WS', '/Ws', '/ws%2F', '/%77s', '/ws;x', '/ws/x', '/wss', '/w', '/'])(
    'answers 404 for %s',
    async (path) => {
      expect(await statusFor(path)).toBe(404);
    },
  );

  it.each(['//ws?x=1', '/ws/?x=1', '/WS?x=1', '/ws/x?x=1', '/wsx?x=1'])(
    'answers 404 for %s (with a query)',
    async (path) => {
      expect(await statusFor(path)).toBe(404);
    },
  );

  it.each([
    ['dot segment', '/./ws'],
    ['dot-dot segment', '/x/../ws'],
    ['encoded dot segment', '/%2e/ws'],
    ['absolute-form', 'ABSOLUTE'],
  ])('gives the same answer for a %s target with or without a harmless query', async (_what, path) => {
    const target = path === 'ABSOLUTE' ? `http://127.0.0.1:${hub.port}/ws` : path;
    const without = await statusFor(target);
    const withQuery = await statusFor(`${target}?x=1`);
    await settled();
    expect({ target, withQuery }).toEqual({ target, withQuery: without });
  });
});

describe('tokens in the query string', () => {
  it.each([
    '/ws?token={tok}',
    '/ws?Access_Token={tok}',
    '/ws?ACCESS_TOKEN={tok}',
    '/ws?%74oken={tok}',
    '/ws?x=1&JWT={tok}',
    '/ws?auth={tok}',
    '/ws?bearer',
    '/ws?token',
    '/ws?x=1;token={tok}&token={tok}',
  ])('refuses %s with 400, even with a valid Authorization header', async (path) => {
    const target = path.replaceAll('{tok}', encodeURIComponent(valid));
    const peer = await rawUpgrade(
      hub,
      { 'Sec-WebSocket-Protocol': 'insight.v1', Authorization: `Bearer ${valid}` },
      target,
    );
    peer.destroy();
    expect(peer.status).toBe(400);
    expect(peer.body.toString()).not.toContain(valid.split('.')[2]!);
  });

  it('refuses a query token in an absolute-form target too', async () => {
    const target = `http://127.0.0.1:${hub.port}/ws?token=${valid}`;
    expect(await statusFor(target)).not.toBe(101);
    await settled();
  });
});

describe('the corked upgrade', () => {
  it('sends the 101 and the welcome, then answers a frame written in the same packet as the request', async () => {
    const ping = JSON.stringify({ type: 'ping', id: 'early' });
    const { socket, chunks } = await rawWrite(
      Buffer.concat([Buffer.from(upgradeRequest(valid)), clientFrame(0x1, Buffer.from(ping))]),
    );
    await until(() => framesAfterHead(Buffer.concat(chunks)).length >= 2, 5000, 'welcome and pong');
    const all = Buffer.concat(chunks);
    expect(all.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    const frames = framesAfterHead(all).map((t) => JSON.parse(t) as { type: string; id?: string });
    expect(frames[0]!.type).toBe('welcome');
    expect(frames[1]).toMatchObject({ type: 'pong', id: 'early' });
    socket.destroy();
    await settled();
  });

  it('puts the welcome in the same first read as the 101 (one write)', async () => {
    const peer = await rawUpgrade(hub, { 'Sec-WebSocket-Protocol': 'insight.v1', Authorization: `Bearer ${valid}` });
    await until(() => peer.frames.length >= 1, 5000, 'welcome');
    expect(peer.status).toBe(101);
    expect(peer.messages()[0]!.type).toBe('welcome');
    peer.destroy();
    await settled();
  });

  it('a client that half-closes right after its request leaves no session or connection count behind', async () => {
    for (let i = 0; i < 20; i++) {
      const { socket } = await rawWrite(Buffer.from(upgradeRequest(valid)));
      socket.end();
    }
    await settled();
    expect(bystander.closed).toBeUndefined();
  });

  it('clients that reset in the middle of the handshake leave nothing behind', async () => {
    const sockets: Socket[] = [];
    const answered: Buffer[][] = [];
    for (let i = 0; i < 50; i++) {
      const { socket, chunks } = await rawWrite(Buffer.from(upgradeRequest(valid)));
      sockets.push(socket);
      if (i % 2 === 0) socket.resetAndDestroy();
      else answered.push(chunks);
    }
    // The other half is cut only once the hub has answered it (101 and welcome on their way).
    await until(() => answered.every((chunks) => chunks.length > 0), 10_000, 'the 101 to every open socket');
    for (const s of sockets) s.destroy();
    await settled();
    expect(bystander.closed).toBeUndefined();
  });

  it('a client that sends a close frame right behind its request is closed and forgotten', async () => {
    const close = Buffer.alloc(2);
    close.writeUInt16BE(1000);
    const { socket, chunks } = await rawWrite(
      Buffer.concat([Buffer.from(upgradeRequest(valid)), clientFrame(0x8, close)]),
    );
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    await settled();
  });
});

describe('connection limits under a burst', () => {
  it('a burst of upgrades for one user never admits more than maxConnectionsPerUser', async () => {
    const limited = await startHub({ limits: { maxConnectionsPerUser: 3 } });
    try {
      const t = await token(limited, { sub: 'burst' });
      const request = (): Promise<number> =>
        rawUpgrade(limited, { 'Sec-WebSocket-Protocol': 'insight.v1', Authorization: `Bearer ${t}` }).then(
          (p) => p.status,
        );
      const statuses = await Promise.all(Array.from({ length: 30 }, request));
      expect(statuses.filter((s) => s === 101).length).toBeLessThanOrEqual(3);
    } finally {
      await limited.close();
    }
  });
});
