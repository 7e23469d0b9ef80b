/**
 * A hub process stopped (SIGSTOP, as a laptop lid does) and continued gives every publish made
 * meanwhile a definite answer (an ack, or a retry by key that finds it stored once), reports the
 * gap in its stats, and drops dead peers within the wake grace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, serveHub, startHubWithCore, token, until, TestClient } from '../support/hub.js';
import type { Hub } from '../../hub/server/types.js';

type Served = Awaited<ReturnType<typeof serveHub>>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(hub: Hub, sub: string, role: 'editor' | 'admin' = 'editor'): Promise<TestClient> {
  const c = await connect(hub, await token(hub, { sub, role }));
  cleanups.push(() => c.ws.terminate());
  return c;
}

function stopped(served: Served): { cont(): void } {
  process.kill(served.child.pid!, 'SIGSTOP');
  const cont = (): void => void process.kill(served.child.pid!, 'SIGCONT');
  cleanups.push(cont);
  return { cont };
}

type Ack = { type: string; id?: string; seq?: number; duplicate?: boolean; code?: string };

describe('a hub stopped and continued (SIGSTOP/SIGCONT)', { timeout: 90_000 }, () => {
  it('answers every publish made during the stop, de-duplicates the retry of a client that gave up, and reports the sleep', async () => {
    const served = await serveHub(['--heartbeat-ms', '2000']);
    cleanups.push(() => void served.child.kill('SIGKILL'));
    const hub = served.hub;
    const room = 'dashboard:sleep';
    const watcher = await client(hub, 'watcher');
    await watcher.request({ type: 'subscribe', room });
    const patient = await client(hub, 'patient');
    const quitter = await client(hub, 'quitter');

    const { cont } = stopped(served);
    // Sent while the hub cannot run: they wait in its socket buffers.
    const answers = [1, 2, 3].map((n) => {
      patient.send({ type: 'publish', id: `p${n}`, room, event: 'n', data: n, key: `p${n}` });
      return patient.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === `p${n}`, 30_000);
    });
    quitter.send({ type: 'publish', id: 'q1', room, event: 'n', data: 'q', key: 'q1' });
    // This client's link looks dead to it (as the SDK's heartbeat decides): it gives up on it.
    // The stop itself must outlast the hub's late-timer threshold (5 s) to count as a sleep: this is
    // the length of the simulated sleep, a lower bound, not a wait for something to happen.
    await new Promise((r) => setTimeout(r, 6_500));
    quitter.ws.terminate();
    cont();

    const acks = (await Promise.all(answers)) as unknown as Ack[];
    expect(acks.map((a) => a.type)).toEqual(['ack', 'ack', 'ack']);
    // The quitter comes back and retries by key: answered, and stored once whatever happened first.
    const back = await client(hub, 'quitter');
    const retry = (await back.request({ type: 'publish', room, event: 'n', data: 'q', key: 'q1' })) as Ack;
    expect(retry.type).toBe('ack');
    const last = (await back.request({ type: 'publish', room, event: 'n', data: 'end' })) as Ack;
    await watcher.waitFor((m) => m.type === 'message' && m.seq === last.seq, 10_000);
    expect(
      watcher
        .messages(room)
        .map((m) => m.data)
        .sort(),
    ).toEqual([1, 2, 3, 'end', 'q'].sort());
    expect(watcher.closed).toBeUndefined();

    // The hub noticed the gap by itself (no power monitor here) and tells the console.
    const admin = await client(hub, 'admin', 'admin');
    await admin.request({ type: 'subscribe', room: '$admin' });
    const stats = await admin.waitFor(
      (m) => m.type === 'message' && m.event === 'stats' && Boolean((m.data as { sleep?: unknown }).sleep),
      15_000,
    );
    const sleep = (stats as unknown as { data: { sleep: { source: string; durationMs: number } } }).data.sleep;
    expect(sleep.source).toBe('clock');
    expect(sleep.durationMs).toBeGreaterThan(5_000);
  });
});

describe('wake check', { timeout: 60_000 }, () => {
  it('on resume pings every socket and drops one that does not answer, keeping the live ones', async () => {
    // A heartbeat far longer than the test: only the wake check can drop the dead peer in time.
    const { hub, core } = await startHubWithCore({ heartbeatMs: 600_000 });
    cleanups.push(() => hub.close());
    const live = await client(hub, 'live');
    const dead = await client(hub, 'dead');
    const deadId = dead.welcome.clientId;
    // It stops reading: pings go unanswered, as from a peer that vanished while the hub slept.
    (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    hub.resume();
    await until(() => !core.sessions.has(deadId), 30_000, 'the dead peer dropped after the wake check');
    expect(core.sessions.has(live.welcome.clientId)).toBe(true);
    live.send({ type: 'ping', id: 'after' });
    expect((await live.waitFor((m) => m.type === 'pong' && m.id === 'after')).type).toBe('pong');
  });

  it('on suspend every client gets notice shutdown with reason sleep, then 1001', async () => {
    const { hub } = await startHubWithCore();
    cleanups.push(() => hub.close());
    const c = await client(hub, 'someone');
    hub.suspend();
    expect((await c.waitForClose()).code).toBe(1001);
    expect(c.received).toContainEqual({
      type: 'notice',
      event: 'shutdown',
      reconnectAfterMs: hub.options.reconnectAfterMs,
      reason: 'sleep',
    });
    // The hub stays up: clients come back.
    const again = await connect(hub, await token(hub, { sub: 'someone' }));
    cleanups.push(() => again.ws.terminate());
    expect(again.welcome.type).toBe('welcome');
  });
});
