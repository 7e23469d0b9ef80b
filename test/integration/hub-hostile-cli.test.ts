/**
 * The attacks that used to end `insight-hub serve` (idle sockets under `ulimit -n 256`, a history
 * flood under a 128 MB heap, a refusal flood) leave the process running, its log bounded, and a
 * neighbour from 127.0.0.2 getting its pong.
 */
import { get as httpGet } from 'node:http';
import { connect as netConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  expectRefused,
  httpRequest,
  serveHub,
  token,
  type ServedHub,
  type TestClient,
} from '../support/hub.js';
import { floodRooms } from '../support/history-flood.js';

const served: ServedHub[] = [];
afterEach(() => {
  for (const s of served.splice(0)) s.child.kill('SIGKILL');
});

async function start(...args: Parameters<typeof serveHub>): Promise<ServedHub> {
  const s = await serveHub(...args);
  served.push(s);
  return s;
}

const neighbourOf = async (s: ServedHub): Promise<TestClient> =>
  connect(s.hub, await token(s.hub, { sub: 'neighbour' }), { localAddress: '127.0.0.2' });

const metric = async (s: ServedHub, name: string): Promise<number> => {
  const text = (await httpRequest(s.hub, 'GET', '/metrics')).text;
  return Number(new RegExp(`^insight_hub_${name} (\\S+)$`, 'm').exec(text)?.[1]);
};

/** GET /healthz from a chosen source address; the status code. */
function healthzFrom(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('insight-hub serve under attack', { timeout: 120_000 }, () => {
  it('400 idle TCP sockets from one address under ulimit -n 256: past half the ceiling they get 429 at once, the rest 408 after the header timeout; another address and the hub are still served', async () => {
    const s = await start(['--header-timeout-ms', '1500'], {}, 30_000, { ulimit: 256 });
    const neighbour = await neighbourOf(s);
    // An eighth of the descriptors, at least 64, is kept for the hub's own files.
    expect(await metric(s, 'tcp_connection_ceiling')).toBe(192);
    const answers = Array.from({ length: 400 }, () => {
      const socket = netConnect(s.hub.port, '127.0.0.1');
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('error', () => {});
      return new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
    });
    await neighbour.pong(20_000);
    // While the flood holds its slots, a visitor from another address still gets an answer.
    expect(await healthzFrom(s.hub.port, '127.0.0.3')).toBe(200);
    const texts = await Promise.all(answers);
    const status = (t: string): string => /^HTTP\/1\.1 (\d{3})/.exec(t)?.[1] ?? 'none';
    const count = (code: string): number => texts.filter((t) => status(t) === code).length;
    expect(count('429') + count('408') + count('none')).toBe(400);
    expect(count('429')).toBeGreaterThanOrEqual(400 - 96);
    expect(count('408')).toBeGreaterThan(0);
    expect(texts.find((t) => status(t) === '429')).toContain(
      '"error":"rate_limited","message":"too many connections from this address"',
    );
    // Still serving: the neighbour, and someone new.
    await neighbour.pong(20_000);
    expect(neighbour.closed).toBeUndefined();
    const late = await connect(s.hub, await token(s.hub, { sub: 'late' }));
    await late.pong(20_000);
    expect(s.child.exitCode).toBeNull();
  });

  it('3000 publishes of 60 KB into 3000 rooms under a 128 MB heap: every one acknowledged, history kept within the budget, the oldest evicted', async () => {
    const s = await start(['--publish-bytes-per-second', '1000000000'], {}, 30_000, {
      nodeFlags: ['--max-old-space-size=128'],
    });
    const neighbour = await neighbourOf(s);
    const tok = await token(s.hub, { sub: 'flooder' });
    const member = await connect(s.hub, await token(s.hub, { sub: 'member' }));
    await member.request({ type: 'subscribe', room: 'dashboard:h0' });
    const data = { blob: 'x'.repeat(60_000) };
    // 15 connections × 200 publishes: within each connection's burst, so only memory stands in the way.
    const writers = await Promise.all(Array.from({ length: 15 }, () => connect(s.hub, tok)));
    const { outcomes, epochOfFirst } = await floodRooms(writers, neighbour, 'h', 200, data);
    expect(outcomes.filter((o) => o !== 'ack')).toEqual([]);
    await neighbour.pong(20_000);
    const used = await metric(s, 'history_bytes');
    const budget = await metric(s, 'history_budget_bytes');
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThan(3000 * 60_000);
    expect(used).toBeLessThanOrEqual(budget);
    expect(await metric(s, 'history_evicted_total')).toBeGreaterThan(0);
    const resumed = await neighbour.request({
      type: 'subscribe',
      room: 'dashboard:h0',
      since: { epoch: epochOfFirst, seq: 0 },
    });
    expect(resumed).toMatchObject({ type: 'ack', recovered: false, reason: 'evicted' });
    expect(s.child.exitCode).toBeNull();
  });

  it('3000 refused upgrades: the process log writes a few lines a second and summaries that count every other one', async () => {
    const s = await start([], { INSIGHT_HUB_LOG_LEVEL: 'info' });
    const neighbour = await neighbourOf(s);
    const total = 3000;
    for (let batch = 0; batch < total / 50; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => expectRefused(s.hub, 'not-a-token')));
      if (batch % 20 === 0) await neighbour.pong(20_000);
    }
    const lines = (): Array<{ msg: string; suppressed?: number }> =>
      s
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; suppressed?: number });
    const accounted = (): number =>
      lines().filter((l) => l.msg === 'upgrade refused').length + lines().reduce((n, l) => n + (l.suppressed ?? 0), 0);
    // The last summary is written a second after the flood: wait for the output that brings it.
    while (accounted() < total) await new Promise((resolve) => s.child.stdout!.once('data', resolve));
    expect(accounted()).toBe(total);
    expect(lines().filter((l) => l.msg === 'upgrade refused').length).toBeLessThan(total / 10);
    expect(lines().some((l) => /^\d+ similar refusals suppressed$/.test(l.msg))).toBe(true);
    // One line per refusal was ~150 bytes each; the whole log is now a small fraction of that.
    expect(Buffer.byteLength(s.stdout())).toBeLessThan(total * 30);
    await neighbour.pong(20_000);
    expect(s.child.exitCode).toBeNull();
  });
});
