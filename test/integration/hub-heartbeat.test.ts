/**
 * Dead peers: a client that stops answering WebSocket pings is dropped within the heartbeat window
 * and leaves its rooms' presence exactly once; a live client stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PresenceMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, rawUpgrade, startHub, token, until } from '../support/hub.js';

const HEARTBEAT_MS = 200;
let hub: Hub;

beforeAll(async () => {
  hub = await startHub({ heartbeatMs: HEARTBEAT_MS, presenceCoalesceMs: 20 });
});
afterAll(() => hub.close());

/** A `ws` client that never answers pings (autoPong off), otherwise a normal protocol client. */
async function deadPeer(sub: string): Promise<TestClient> {
  const t = await token(hub, { sub, rooms: ['hb:*'] });
  const ws = new WebSocket(hub.wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${t}` }, autoPong: false });
  const client = new TestClient(ws);
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

function leftEvents(watcher: TestClient, room: string, clientId: string): number {
  return watcher.received.filter(
    (m): m is PresenceMessage =>
      m.type === 'presence' && m.room === room && m.left.some((l) => l.clientId === clientId),
  ).length;
}

describe('heartbeat', () => {
  it('drops a peer that stops answering pings, and its presence leaves exactly once', async () => {
    const watcher = await connect(hub, await token(hub, { sub: 'watcher', rooms: ['hb:*'] }));
    let watcherPings = 0;
    watcher.ws.on('ping', () => watcherPings++);
    await watcher.request({ type: 'subscribe', room: 'hb:1' });
    const dead = await deadPeer('dead');
    let pings = 0;
    dead.ws.on('ping', () => pings++);
    await dead.request({ type: 'subscribe', room: 'hb:1' });
    await dead.request({ type: 'subscribe', room: 'hb:2' });
    const id = dead.welcome.clientId;
    await watcher.waitFor((m) => m.type === 'presence' && m.joined.some((j) => j.clientId === id));

    const closed = await dead.waitForClose(20 * HEARTBEAT_MS + 5000);
    // Terminated without a close frame: the peer sees an abnormal closure.
    expect(closed.code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(2);

    await until(() => leftEvents(watcher, 'hb:1', id) > 0, 5000, 'presence left');
    // Several more heartbeats (seen as pings by the watcher) and coalescing windows later, still exactly one `left`.
    const seen = watcherPings;
    await until(() => watcherPings >= seen + 4, 20 * HEARTBEAT_MS + 5000, 'four more heartbeats');
    const pong = watcher.waitFor((m) => m.type === 'pong' && m.id === 'after');
    watcher.send({ type: 'ping', id: 'after' });
    await pong;
    expect(leftEvents(watcher, 'hb:1', id)).toBe(1);
    const members = (await watcher.request({ type: 'subscribe', room: 'hb:1' })) as unknown as {
      members: Array<{ clientId: string }>;
    };
    expect(members.members.map((m) => m.clientId)).not.toContain(id);
    expect(watcher.closed).toBeUndefined();
    watcher.close();
  });

  it('drops a raw socket that never answers pings', async () => {
    const peer = await rawUpgrade(hub, {
      authorization: `Bearer ${await token(hub, { sub: 'raw-dead' })}`,
      'Sec-WebSocket-Protocol': 'insight.v1',
    });
    expect(peer.status).toBe(101);
    await until(() => peer.ended, 20 * HEARTBEAT_MS + 5000, 'the hub to drop the raw peer');
    expect(peer.frames.filter((f) => f.opcode === 0x9).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps a client that answers pings, across many heartbeats', async () => {
    const live = await connect(hub, await token(hub, { sub: 'live', rooms: ['hb:*'] }));
    let pings = 0;
    live.ws.on('ping', () => pings++);
    await until(() => pings >= 6, 20 * HEARTBEAT_MS + 5000, 'six pings');
    expect(live.closed).toBeUndefined();
    const pong = live.waitFor((m) => m.type === 'pong');
    live.send({ type: 'ping' });
    await pong;
    live.close();
  });

  it('announces the heartbeat interval in welcome', async () => {
    const c = await connect(hub, await token(hub, { sub: 'w' }));
    expect(c.welcome.heartbeatMs).toBe(HEARTBEAT_MS);
    c.close();
  });
});
