/**
 * Bad input on an open connection: each gets its documented answer (an `error` with the request's
 * id, or a close code), and the other clients of the hub carry on unharmed every time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { RawPeer, TestClient, clientFrame, connect, rawUpgrade, startHub, token, until } from '../support/hub.js';

const ROOM = 'input:room';
const MAX_FRAME = 1024;

type ErrorMsg = Extract<ServerMessage, { type: 'error' }>;

let hub: Hub;
let publisher: TestClient;
let watcher: TestClient;
let published = 0;

async function ping(client: TestClient): Promise<void> {
  const id = `p${Math.random().toString(36).slice(2)}`;
  const pong = client.waitFor((m) => m.type === 'pong' && m.id === id);
  client.send({ type: 'ping', id });
  await pong;
}

/** The bystanders: a publish still reaches the watcher, and both connections are open. */
async function expectOthersUnharmed(): Promise<void> {
  const n = ++published;
  const ack = await publisher.request({ type: 'publish', room: ROOM, event: 'still.here', data: { n } });
  expect(ack.type).toBe('ack');
  await watcher.waitFor((m) => m.type === 'message' && m.event === 'still.here' && (m.data as { n: number }).n === n);
  expect(publisher.closed).toBeUndefined();
  expect(watcher.closed).toBeUndefined();
}

async function fresh(sub = 'bad'): Promise<TestClient> {
  return connect(hub, await token(hub, { sub, rooms: ['input:*'] }));
}

/** Send one frame and wait for the next `error` that follows it. */
async function expectError(client: TestClient, frame: string | object): Promise<ErrorMsg> {
  const before = client.received.length;
  client.send(frame);
  const err = await client.waitFor((m) => m.type === 'error' && client.received.indexOf(m) >= before);
  return err as ErrorMsg;
}

async function rawClient(sub: string): Promise<RawPeer> {
  const peer = await rawUpgrade(hub, {
    authorization: `Bearer ${await token(hub, { sub, rooms: ['input:*'] })}`,
    'Sec-WebSocket-Protocol': 'insight.v1',
  });
  expect(peer.status).toBe(101);
  await until(() => peer.messages().some((m) => m.type === 'welcome'), 5000, 'welcome');
  return peer;
}

beforeAll(async () => {
  hub = await startHub({ limits: { maxFrameBytes: MAX_FRAME, errorBudget: 5, errorWindowMs: 60_000 } });
  publisher = await connect(hub, await token(hub, { sub: 'publisher', rooms: ['input:*'] }));
  watcher = await connect(hub, await token(hub, { sub: 'watcher', rooms: ['input:*'] }));
  expect((await watcher.request({ type: 'subscribe', room: ROOM })).type).toBe('ack');
});
afterEach(expectOthersUnharmed);
afterAll(async () => {
  publisher.close();
  watcher.close();
  await hub.close();
});

describe('malformed messages get error bad_request and the connection stays open', () => {
  it.each([
    ['non-JSON', '{"type": "ping"'],
    ['plain text', 'hello'],
    ['an empty frame', ''],
    ['a JSON array', '[{"type":"ping"}]'],
    ['a JSON string', '"ping"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('%s', async (_what, frame) => {
    const c = await fresh();
    const err = await expectError(c, frame);
    expect(err).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(err.id).toBeUndefined();
    await ping(c);
    c.close();
  });

  it.each([
    ['an unknown type', { type: 'explode' }],
    ['a missing type', { room: ROOM }],
    ['a numeric type', { type: 7 }],
    ['a prototype key as type', { type: 'constructor' }],
    ['subscribe without room', { type: 'subscribe' }],
    ['subscribe with a numeric room', { type: 'subscribe', room: 42 }],
    ['subscribe to an empty room name', { type: 'subscribe', room: '' }],
    ['subscribe to a room name with a space', { type: 'subscribe', room: 'input: x' }],
    ['subscribe to a room name of 129 characters', { type: 'subscribe', room: 'r'.repeat(129) }],
    ['subscribe to an unknown $ room', { type: 'subscribe', room: '$secret' }],
    ['unsubscribe without room', { type: 'unsubscribe' }],
    ['publish without event', { type: 'publish', room: ROOM, data: 1 }],
    ['publish without data', { type: 'publish', room: ROOM, event: 'e' }],
    ['publish with an array as event', { type: 'publish', room: ROOM, event: ['e'], data: 1 }],
    ['publish with a bad event name', { type: 'publish', room: ROOM, event: 'has space', data: 1 }],
    ['publish with an event of 65 characters', { type: 'publish', room: ROOM, event: 'e'.repeat(65), data: 1 }],
    ['publish with a string echo', { type: 'publish', room: ROOM, event: 'e', data: 1, echo: 'yes' }],
    ['presence without state', { type: 'presence', room: ROOM }],
    ['presence with an array state', { type: 'presence', room: ROOM, state: [1] }],
    ['presence with a string state', { type: 'presence', room: ROOM, state: 'typing' }],
    ['auth without token', { type: 'auth' }],
    ['auth with a numeric token', { type: 'auth', token: 12 }],
    ['admin with an unknown action', { type: 'admin', action: 'reboot' }],
  ])('%s (the error echoes the id)', async (_what, msg) => {
    const c = await fresh();
    const err = await expectError(c, { ...msg, id: 'req-1' });
    expect(err).toMatchObject({ type: 'error', id: 'req-1', code: 'bad_request' });
    expect(typeof err.message).toBe('string');
    await ping(c);
    c.close();
  });

  it('an id of 65 characters is refused; one of 64 is echoed', async () => {
    const c = await fresh();
    const long = await expectError(c, { type: 'subscribe', room: ROOM, id: 'i'.repeat(65) });
    expect(long).toMatchObject({ code: 'bad_request' });
    expect(long.id).toBeUndefined();
    const id64 = 'i'.repeat(64);
    const ack = c.waitFor((m) => m.type === 'ack' && m.id === id64);
    c.send({ type: 'subscribe', room: ROOM, id: id64 });
    expect(await ack).toMatchObject({ type: 'ack', room: ROOM });
    c.close();
  });

  it('an id that is not a string is refused', async () => {
    const c = await fresh();
    const err = await expectError(c, { type: 'ping', id: 5 });
    expect(err.code).toBe('bad_request');
    c.close();
  });

  it('a malformed since is not an error: the ack says recovered false (fail closed) and the room as it is now follows', async () => {
    const c = await fresh();
    const ack = (await c.request({ type: 'subscribe', room: ROOM, since: 'yesterday' })) as unknown as {
      epoch: string;
      seq: number;
    };
    expect(ack).toMatchObject({ type: 'ack', room: ROOM, recovered: false, reason: 'epoch_changed' });
    const negative = await c.request({ type: 'subscribe', room: ROOM, since: { epoch: ack.epoch, seq: -1 } });
    expect(negative).toMatchObject({ type: 'ack', recovered: false, reason: 'epoch_changed' });
    c.send({ type: 'ping', id: 'after' });
    await c.waitFor((m) => m.type === 'pong' && m.id === 'after');
    // Each subscribe replayed this room's own kept messages of its current epoch, never another's.
    const replayed = c.messages(ROOM);
    expect(replayed.length % 2).toBe(0);
    const once = replayed.slice(0, replayed.length / 2);
    expect(once.every((m) => m.room === ROOM && m.epoch === ack.epoch)).toBe(true);
    expect(once.map((m) => m.seq)).toEqual(
      Array.from({ length: once.length }, (_, i) => ack.seq - once.length + 1 + i),
    );
    c.close();
  });

  it('data nested deeper than 32 levels is refused; 32 levels are accepted', async () => {
    const c = await fresh();
    const nest = (depth: number): unknown => {
      let v: unknown = 'leaf';
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    const deep = await expectError(c, { type: 'publish', id: 'deep', room: ROOM, event: 'e', data: nest(33) });
    expect(deep).toMatchObject({ id: 'deep', code: 'bad_request' });
    const ok = await c.request({ type: 'publish', room: ROOM, event: 'e', data: nest(32) });
    expect(ok.type).toBe('ack');
    const presence = await c.request({ type: 'subscribe', room: ROOM });
    expect(presence.type).toBe('ack');
    const deepState = await expectError(c, { type: 'presence', id: 'ds', room: ROOM, state: { a: nest(40) } });
    expect(deepState).toMatchObject({ id: 'ds', code: 'bad_request' });
    c.close();
  });

  it('pathological nesting that fills a whole frame is refused without harm', async () => {
    const c = await fresh();
    const depth = Math.floor((MAX_FRAME - 60) / 2);
    const frame = `{"type":"publish","room":"${ROOM}","event":"e","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_FRAME);
    const err = await expectError(c, frame);
    expect(err.code).toBe('bad_request');
    await ping(c);
    c.close();
  });
});

describe('frame limits', () => {
  /** A publish frame of exactly `bytes` bytes. */
  function publishOfSize(bytes: number, id: string): string {
    const base = JSON.stringify({ type: 'publish', id, room: ROOM, event: 'big', data: '' });
    const frame = JSON.stringify({
      type: 'publish',
      id,
      room: ROOM,
      event: 'big',
      data: 'x'.repeat(bytes - Buffer.byteLength(base)),
    });
    expect(Buffer.byteLength(frame)).toBe(bytes);
    return frame;
  }

  it('accepts a frame of exactly the limit', async () => {
    const c = await fresh();
    const ack = c.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === 'exact');
    c.send(publishOfSize(MAX_FRAME, 'exact'));
    expect(await ack).toMatchObject({ type: 'ack', room: ROOM });
    await watcher.waitFor((m) => m.type === 'message' && m.event === 'big');
    c.close();
  });

  it('closes with 1009 on a frame one byte over the limit', async () => {
    const c = await fresh();
    c.send(publishOfSize(MAX_FRAME + 1, 'over'));
    const closed = await c.waitForClose();
    expect(closed.code).toBe(1009);
    expect(c.received.some((m) => m.type === 'ack')).toBe(false);
  });

  it('closes with 1009 when fragments add up to more than the limit', async () => {
    const peer = await rawClient('fragments');
    const half = Buffer.from('x'.repeat(MAX_FRAME / 2 + 10));
    peer.write(clientFrame(0x1, half, false));
    peer.write(clientFrame(0x0, half, true));
    await until(() => peer.closeCode !== undefined, 5000, 'close frame');
    expect(peer.closeCode).toBe(1009);
    peer.destroy();
  });

  it('closes with 1003 on a binary frame', async () => {
    const c = await fresh();
    c.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
    const closed = await c.waitForClose();
    expect(closed.code).toBe(1003);
  });

  it('closes with 1007 on a text frame that is not valid UTF-8', async () => {
    const peer = await rawClient('bytes');
    // `{"type":"ping","x":"` + 0xC3 0x28 (an invalid two-byte sequence) + `"}`
    const bytes = Buffer.concat([Buffer.from('{"type":"ping","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    peer.write(clientFrame(0x1, bytes));
    await until(() => peer.closeCode !== undefined, 5000, 'close frame');
    expect(peer.closeCode).toBe(1007);
    expect(peer.messages().some((m) => m.type === 'pong')).toBe(false);
    peer.destroy();
  });

  it('a well-formed frame over a raw socket works (the raw peer itself is sound)', async () => {
    const peer = await rawClient('bytes-ok');
    peer.sendText(JSON.stringify({ type: 'ping', id: 'raw' }));
    await until(() => peer.messages().some((m) => m.type === 'pong'), 5000, 'pong');
    peer.destroy();
  });
});

describe('repeated errors', () => {
  it('closes with 1008 once the error budget is spent', async () => {
    const c = await fresh();
    for (let i = 0; i < 10; i++) c.send({ type: 'nonsense', id: `n${i}` });
    const closed = await c.waitForClose();
    expect(closed.code).toBe(1008);
    const errors = c.received.filter((m) => m.type === 'error');
    // The budget is 5: the fifth error is answered, then the connection is closed.
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => (e as ErrorMsg).code === 'bad_request')).toBe(true);
  });

  it('forbidden requests spend the budget too', async () => {
    const c = await connect(hub, await token(hub, { sub: 'nosy', rooms: ['input:*'] }));
    for (let i = 0; i < 8; i++) c.send({ type: 'subscribe', room: `private:${i}`, id: `f${i}` });
    const closed = await c.waitForClose();
    expect(closed.code).toBe(1008);
    expect(c.received.filter((m) => m.type === 'error' && m.code === 'forbidden').length).toBeGreaterThanOrEqual(5);
  });

  it('a few errors below the budget do not close the connection', async () => {
    const c = await fresh();
    for (let i = 0; i < 4; i++) await expectError(c, { type: 'nonsense' });
    await ping(c);
    expect(c.closed).toBeUndefined();
    c.close();
  });
});
