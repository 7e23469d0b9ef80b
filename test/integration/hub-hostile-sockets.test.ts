/**
 * Hostile sockets and floods on an in-process hub: silent TCP sockets are answered 408 and closed,
 * the per-address TCP cap answers 429, a refusal flood writes a bounded log with a summary, and
 * timers survive what throws; a neighbour from another address is still served, and a closed
 * socket gives its address's slot back.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { generateCertificate } from '../../electron/tls-certificate.js';
import { createLogger } from '../../hub/server/logger.js';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, expectRefused, httpRequest, token } from '../support/hub.js';
import { closeHubs, hubWith, neighbour } from '../support/hostile-hub.js';
import { until } from '../support/until.js';

afterEach(closeHubs);

/** A TCP connection that sends nothing; resolves what the hub wrote before closing it. */
function idleSocket(hub: Hub, localAddress = '127.0.0.1'): { socket: Socket; answer: Promise<string> } {
  const socket = netConnect({ port: hub.port, host: '127.0.0.1', localAddress });
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => {});
  return { socket, answer: new Promise((resolve) => socket.on('close', () => resolve(text))) };
}

describe('TCP connections before HTTP', () => {
  it('a socket without a complete request head is answered 408 and closed; the neighbour goes on', async () => {
    const hub = await hubWith({ limits: { headerTimeoutMs: 300 } });
    const n = await neighbour(hub);
    const silent = idleSocket(hub);
    const partial = idleSocket(hub);
    partial.socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    for (const s of [silent, partial]) {
      const answer = await s.answer;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
        error: 'bad_request',
        message: 'no complete request within 300 ms',
      });
    }
    // The neighbour's own connection sent its head long ago and is not touched.
    await n.answers();
    expect(n.client.closed).toBeUndefined();
  });

  it('over TLS: an idle socket is closed without an answer, while a wss client past the same timeout stays', async () => {
    const { cert, key } = await generateCertificate(['127.0.0.1']);
    const hub = await hubWith({ tls: { cert, key }, limits: { headerTimeoutMs: 300 } });
    const ws = new WebSocket(hub.wsUrl, ['insight.v1'], {
      headers: { authorization: `Bearer ${await token(hub, { sub: 'secure' })}` },
      ca: cert,
    });
    const client = new TestClient(ws);
    await client.waitFor((m) => m.type === 'welcome');
    // Its timer started before the idle socket's: had the upgrade not cleared it, it would be gone first.
    const idle = idleSocket(hub);
    expect(await idle.answer).toBe('');
    await client.pong();
    expect(client.closed).toBeUndefined();
  });

  it('past the per-address cap a new socket gets 429 at once; other addresses still connect', async () => {
    const hub = await hubWith({ limits: { maxTcpConnectionsPerIp: 5 } });
    const held = Array.from({ length: 5 }, () => idleSocket(hub, '127.0.0.3'));
    await Promise.all(held.map((h) => new Promise((r) => h.socket.once('connect', r))));
    const over = idleSocket(hub, '127.0.0.3');
    const answer = await over.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 429 /);
    expect(answer).toContain('"error":"rate_limited","message":"too many connections from this address"');
    const n = await neighbour(hub);
    await n.answers();
    const metrics = (await httpRequest(hub, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^insight_hub_tcp_refused_total\{reason="per_ip"\} 1$/m);
    held.forEach((h) => h.socket.destroy());
  });

  it('a closed socket gives its slot back: the address connects again once the hub sees the close', async () => {
    const hub = await hubWith({ limits: { maxTcpConnectionsPerIp: 2 } });
    const held = Array.from({ length: 2 }, () => idleSocket(hub, '127.0.0.3'));
    await Promise.all(held.map((h) => new Promise((r) => h.socket.once('connect', r))));
    const gauge = async () =>
      Number(/^insight_hub_tcp_connections (\d+)/m.exec((await httpRequest(hub, 'GET', '/metrics')).text)?.[1]);
    // The metrics request is a connection of its own (from another address).
    expect(await gauge()).toBe(3);
    held.forEach((h) => h.socket.destroy());
    await until(async () => (await gauge()) <= 1, 10_000, 'the hub to count the closes');
    const clients = await Promise.all(
      [1, 2].map(async (i) => connect(hub, await token(hub, { sub: `again-${i}` }), { localAddress: '127.0.0.3' })),
    );
    for (const c of clients) await c.pong();
    // The address the guard kept is the one the hub reports for each client.
    const admin = await token(hub, { sub: 'ops', role: 'admin' });
    const listed = await httpRequest(hub, 'GET', '/api/clients', { headers: { authorization: `Bearer ${admin}` } });
    const ips = (listed.body.items as Array<{ sub: string; ip: string }>).filter((c) => c.sub.startsWith('again-'));
    expect(ips.map((c) => c.ip)).toEqual(['127.0.0.3', '127.0.0.3']);
    clients.forEach((c) => c.close());
  });
});

/** Process-log lines as they are written, with a wait for one that matches. */
function logSink(): {
  logger: ReturnType<typeof createLogger>;
  lines: string[];
  bytes(): number;
  next(match: (line: string) => boolean): Promise<string>;
} {
  const lines: string[] = [];
  const waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  const destination = {
    write(line: string) {
      lines.push(line);
      for (const w of waiters.splice(0)) w.match(line) ? w.resolve(line) : waiters.push(w);
    },
  };
  return {
    logger: createLogger('info', destination),
    lines,
    bytes: () => lines.reduce((n, l) => n + Buffer.byteLength(l), 0),
    next: (match) => new Promise((resolve) => waiters.push({ match, resolve })),
  };
}

describe('the process log under a refusal flood', () => {
  it('600 refused upgrades write a bounded number of lines and a summary that counts the rest', async () => {
    const sink = logSink();
    const hub = await hubWith({ logger: sink.logger, logRefusalsPerSecond: 5 });
    const n = await neighbour(hub);
    const total = 600;
    for (let batch = 0; batch < total / 50; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => expectRefused(hub, 'not-a-token')));
    }
    // Written lines are logged as each refusal happens; the last summary comes a second after the flood.
    const written = sink.lines.filter((l) => l.includes('"upgrade refused"')).length;
    const suppressed = (): number =>
      sink.lines
        .filter((l) => l.includes('similar refusals suppressed'))
        .reduce((sum, l) => sum + (JSON.parse(l) as { suppressed: number }).suppressed, 0);
    while (written + suppressed() < total) await sink.next((l) => l.includes('similar refusals suppressed'));
    expect(written + suppressed()).toBe(total);
    expect(written).toBeLessThan(total / 4);
    expect(sink.bytes()).toBeLessThan(total * 40);
    await n.answers();
  });
});

describe('timers survive what throws', () => {
  it('the stats sampler with no descriptors left (memoryUsage throws EMFILE) keeps publishing stats; a throwing callback is counted', async () => {
    const sink = logSink();
    const hub = await hubWith({ logger: sink.logger });
    const n = await neighbour(hub);
    const admin = await connect(hub, await token(hub, { sub: 'admin', role: 'admin' }));
    await admin.request({ type: 'subscribe', room: '$admin' });
    const emfile = Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
    vi.spyOn(process, 'memoryUsage').mockImplementation(() => {
      throw emfile;
    });
    const before = admin.received.length;
    const stats = (await admin.waitFor(
      (m) => m.type === 'message' && m.event === 'stats' && admin.received.indexOf(m) >= before,
      5000,
    )) as unknown as {
      data: { process: { heapUsedBytes: number } };
    };
    expect(stats.data.process.heapUsedBytes).toBeGreaterThan(0);
    // Now the sampler itself throws: counted, logged, and the next tick comes anyway.
    vi.spyOn(process, 'cpuUsage').mockImplementation(() => {
      throw emfile;
    });
    await sink.next((l) => l.includes('"callback failed"') && l.includes('admin_stats'));
    await sink.next((l) => l.includes('"callback failed"') && l.includes('admin_stats'));
    vi.restoreAllMocks();
    const metrics = (await httpRequest(hub, 'GET', '/metrics')).text;
    expect(
      Number(/^insight_hub_callback_errors_total\{where="admin_stats"\} (\d+)/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(2);
    await n.answers();
  });
});
