/**
 * Frames written in place (JSON straight after a header sized by Buffer.byteLength) carry the exact
 * text sent: multi-byte text whose frame lands on each length-class boundary (125/126/127,
 * 65535/65536/65537 bytes) and strings JSON must escape reach a `ws` subscriber unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, startHub, token, type TestClient } from '../support/hub.js';

let hub: Hub;
let pub: TestClient;
let sub: TestClient;
const raw: Buffer[] = [];

beforeAll(async () => {
  hub = await startHub({ limits: { messagesPerSecond: 1_000_000, burst: 1_000_000, publishBytesPerSecond: 1e12 } });
  pub = await connect(hub, await token(hub, { sub: 'pub', role: 'service', rooms: ['mb:*'] }));
  sub = await connect(hub, await token(hub, { sub: 'sub', role: 'viewer', rooms: ['mb:*'] }));
  sub.ws.on('message', (data) => raw.push(Buffer.from(data as Buffer)));
});
afterAll(async () => {
  pub.close();
  sub.close();
  await hub.close();
});

let roomNo = 0;

/** Publish `data` to a room and return the exact payload bytes the subscriber's frame carried. */
async function roundTrip(room: string, data: string): Promise<Buffer> {
  const event = `e${Math.random().toString(36).slice(2, 8)}`;
  const ack = await pub.request({ type: 'publish', room, event, data });
  expect(ack.type).toBe('ack');
  const msg = await sub.waitFor((m) => m.type === 'message' && m.event === event);
  expect((msg as { data: unknown }).data).toBe(data);
  const bytes = raw.find((b) => b.includes(Buffer.from(`"event":"${event}"`)));
  expect(bytes).toBeDefined();
  return bytes!;
}

const UNITS = ['é', '€', '😀'];

/** `data` of exactly `bytes` UTF-8 bytes: as many `unit`s as fit, then ASCII. */
function textOf(unit: string, bytes: number): string {
  const unitBytes = Buffer.byteLength(unit);
  const n = Math.floor(bytes / unitBytes);
  return unit.repeat(n) + 'a'.repeat(bytes - n * unitBytes);
}

/** A ping whose pong carries `id`; returns the pong frame's exact payload bytes. */
async function pongBytes(id: string): Promise<Buffer> {
  const pong = sub.waitFor((m) => m.type === 'pong' && (m as { id?: string }).id === id);
  sub.send({ type: 'ping', id });
  await pong;
  const bytes = raw.find((b) => b.includes(Buffer.from(`"id":${JSON.stringify(id)}`)));
  expect(bytes).toBeDefined();
  return bytes!;
}

describe('multi-byte text at the 7-bit/16-bit boundary (pong ids)', () => {
  it.each([125, 126, 127].flatMap((b) => UNITS.map((u) => [b, u] as const)))(
    'outgoing payload of exactly %i bytes made of "%s"',
    async (target, unit) => {
      const overhead = (await pongBytes(`c${target}${unit}`)).length - Buffer.byteLength(`c${target}${unit}`);
      const id = textOf(unit, target - overhead);
      expect(id.length).toBeLessThanOrEqual(64);
      const bytes = await pongBytes(id);
      expect(bytes.length).toBe(target);
      expect(JSON.parse(bytes.toString('utf8')).id).toBe(id);
    },
  );
});

const BOUNDARIES = [65_535, 65_536, 65_537];

describe('multi-byte text at the 16-bit/64-bit boundary (room messages)', () => {
  it.each(BOUNDARIES.flatMap((b) => UNITS.map((u) => [b, u] as const)))(
    'outgoing payload of exactly %i bytes made of "%s"',
    async (target, unit) => {
      const room = `mb:${++roomNo}`;
      await sub.request({ type: 'subscribe', room });
      // Calibrate the envelope's size in this room (same epoch, seq digits and time digits next time).
      const probe = await roundTrip(room, 'x');
      const overhead = probe.length - 1;
      const want = target - overhead;
      const data = textOf(unit, want);
      expect(Buffer.byteLength(data)).toBe(want);
      const bytes = await roundTrip(room, data);
      expect(bytes.length).toBe(target);
      await sub.request({ type: 'unsubscribe', room });
    },
  );

  it('strings JSON has to escape arrive as they were sent', async () => {
    const room = `mb:${++roomNo}`;
    await sub.request({ type: 'subscribe', room });
    for (const data of [
      '\ud800',
      'a\udfffb',
      '\u2028\u2029',
      '\u0000\u001f\u007f',
      '"\\',
      '😀'.slice(0, 1),
      '\ufeffbom',
      'ü'.repeat(30_000),
    ]) {
      await roundTrip(room, data);
    }
  });
});
