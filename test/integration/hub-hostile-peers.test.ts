/**
 * Hostile peers on an in-process hub (ambiguous credentials, odd dates and subs, id-last frames,
 * byte rate, history budget, silent sockets, the per-address TCP cap, refusal floods) get their
 * documented answer, and a neighbour from another address still gets its pong; a closed socket
 * gives its address's slot back.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { generateCertificate } from '../../electron/tls-certificate.js';
import { createLogger } from '../../hub/server/logger.js';
import type { Hub } from '../../hub/server/types.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import {
  TEST_SECRET,
  TestClient,
  connect,
  expectRefused,
  httpRequest,
  rawUpgrade,
  startHub,
  token,
} from '../support/hub.js';
import { until } from '../support/until.js';

const hubs: Hub[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function hubWith(options: HubOptionsInput = {}): Promise<Hub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}

/** A healthy client on another address; `answers()` proves the hub still serves it. */
async function neighbour(hub: Hub): Promise<{ client: TestClient; answers(): Promise<void> }> {
  const client = await connect(hub, await token(hub, { sub: 'neighbour' }), { localAddress: '127.0.0.2' });
  return {
    client,
    async answers() {
      await client.pong();
      expect(await client.request({ type: 'publish', room: 'dashboard:calm', event: 'e', data: 1 })).toMatchObject({
        type: 'ack',
      });
    },
  };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64url');
const at = (): number => Math.floor(Date.now() / 1000);

/** Sign the payload's JSON text as given, so 1e400 and exact characters survive. */
function hs256Raw(payload: string): string {
  const input = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
}

function es256Raw(payload: string, key: KeyObject): string {
  const input = `${b64('{"alg":"ES256","typ":"JWT"}')}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const claims = (extra: string): string => `{"sub":"mallory","aud":"insight-hub","role":"editor","rooms":["*"]${extra}}`;

describe('one credential per upgrade', () => {
  it('two Authorization headers, a header and a bearer entry, or two bearer entries are refused with 400 bad_request', async () => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const alice = await token(hub, { sub: 'alice' });
    const mallory = await token(hub, { sub: 'mallory' });
    const twoHeaders = await rawUpgrade(hub, [
      ['Sec-WebSocket-Protocol', 'insight.v1'],
      ['Authorization', `Bearer ${alice}`],
      ['Authorization', `Bearer ${mallory}`],
    ]);
    expect(twoHeaders.status).toBe(400);
    await new Promise((r) => twoHeaders.socket.once('close', r));
    expect(JSON.parse(twoHeaders.body.toString())).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('more than one credential'),
    });

    const both = await expectRefused(hub, alice, { protocols: ['insight.v1', `bearer.${mallory}`] });
    expect(both).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringMatching(/1 Authorization header.*1 bearer/) },
    });
    const twoBearers = await expectRefused(hub, undefined, {
      protocols: ['insight.v1', `bearer.${alice}`, `bearer.${mallory}`],
    });
    expect(twoBearers).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringContaining('2 bearer subprotocol entries') },
    });
    // One credential, either way, still works.
    expect((await connect(hub, alice, { via: 'subprotocol' })).welcome.user.sub).toBe('alice');
    expect((await connect(hub, alice)).welcome.user.sub).toBe('alice');
    await n.answers();
  });
});

describe('numeric dates must be finite', () => {
  it.each([
    ['exp 1e400', ',"exp":1e400'],
    ['iat 1e400', `,"exp":${at() + 600},"iat":1e400`],
    ['nbf -1e400', `,"exp":${at() + 600},"nbf":-1e400`],
    ['exp past what a Date holds', ',"exp":1e300'],
  ])('HS256 (in line) %s: 401', async (_name, extra) => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const refused = await expectRefused(hub, hs256Raw(claims(extra)));
    expect(refused).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', message: expect.stringMatching(/token claim "(exp|iat|nbf)" invalid/) },
    });
    await n.answers();
  });

  it('public key (jose): exp 1e400 and iat 1e400 are refused with 401 too', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const hub = await hubWith({
      auth: { secret: undefined, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    const exp = await expectRefused(hub, es256Raw(claims(',"exp":1e400'), pair.privateKey));
    expect(exp).toMatchObject({ status: 401, body: { message: 'token claim "exp" invalid: not a finite date' } });
    const iat = await expectRefused(hub, es256Raw(claims(`,"exp":${at() + 600},"iat":1e400`), pair.privateKey));
    expect(iat).toMatchObject({ status: 401, body: { message: 'token claim "iat" invalid: not a finite date' } });
    // A well-formed token on the same path is admitted.
    const ok = await connect(hub, es256Raw(claims(`,"exp":${at() + 600}`), pair.privateKey));
    expect(ok.welcome.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('look-alike subs and names', () => {
  it.each([
    ['trailing space', 'bob ', /surrounding|leading or trailing whitespace/],
    ['zero-width space', 'bob\u200b', /invisible/],
    ['right-to-left override', '\u202ebob', /invisible/],
    ['fullwidth', 'ｂｏｂ', /NFKC/],
    ['no-break space inside', 'bob\u00a0smith', /invisible/],
    ['Hangul filler', '\u3164', /invisible/],
    ['a NUL', 'bob\u0000', /invisible/],
    ['braille blank (drawn as a space)', 'bob\u2800', /invisible/],
  ])('sub with a %s is refused at the upgrade with 401', async (_name, sub, reason) => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const refused = await expectRefused(
      hub,
      hs256Raw(`{"sub":${JSON.stringify(sub)},"aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect(refused.body.message).toMatch(/^token claim "sub" invalid: /);
    expect(refused.body.message).toMatch(reason);
    await n.answers();
  });

  it('a name with invisible characters is refused; a plain bob, a name with spaces and accents are admitted', async () => {
    const hub = await hubWith();
    const refused = await expectRefused(
      hub,
      hs256Raw(`{"sub":"bob2","name":"Bob\\u200b","aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(refused).toMatchObject({
      status: 401,
      body: { message: 'token claim "name" invalid: has control, format or invisible characters' },
    });
    const bob = await connect(
      hub,
      hs256Raw(`{"sub":"bob","name":"Bob Dupré ｱｷﾗ","aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(bob.welcome.user).toMatchObject({ sub: 'bob', name: 'Bob Dupré ｱｷﾗ' });
  });

  it('the hub does not mint a token it would refuse', async () => {
    const hub = await hubWith();
    await expect(token(hub, { sub: 'ｂｏｂ' })).rejects.toThrow('sub is not NFKC-normalized');
    await expect(token(hub, { sub: 'bob', name: ' Bob' })).rejects.toThrow('name has leading or trailing whitespace');
  });
});

describe('every error carries the id of its request', () => {
  it('rate-limited publishes whose id comes after 5 KB of data are each answered with their id', async () => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const client = await connect(hub, await token(hub, { sub: 'idlast' }));
    const data = { pad: 'y'.repeat(5000), nested: { id: 'not-this-one' } };
    const sent = 215; // past the burst of 200, within the 20 strikes
    for (let i = 0; i < sent; i++)
      client.send(JSON.stringify({ type: 'publish', room: 'dashboard:1', event: 'e', data, id: `late${i}` }));
    // A last request, answered (pong, or rate_limited with its id) after every publish before it.
    client.send({ type: 'ping', id: 'after' });
    await client.waitFor((m) => 'id' in m && m.id === 'after');
    const answers = client.received.filter(
      (m) => (m.type === 'ack' || m.type === 'error') && m.id !== 'after',
    ) as Array<{ type: string; id?: string; code?: string }>;
    const errors = answers.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === 'rate_limited')).toBe(true);
    expect(answers.map((a) => a.id).sort()).toEqual(Array.from({ length: sent }, (_, i) => `late${i}`).sort());
    await n.answers();
  });
});

describe('publish byte rate per user', () => {
  it("past the byte rate a publish gets rate_limited with its id, across the user's connections; other users publish on", async () => {
    const hub = await hubWith({ limits: { publishBytesPerSecond: 1000, publishBurstBytes: 50_000 } });
    const n = await neighbour(hub);
    const tok = await token(hub, { sub: 'bulk' });
    const [a, b] = [await connect(hub, tok), await connect(hub, tok)];
    const big = { blob: 'z'.repeat(20_000) };
    expect(await a.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'ack',
    });
    expect(await b.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'ack',
    });
    const refused = await a.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big });
    expect(refused).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringContaining('publish byte rate'),
    });
    expect(refused.id).toMatch(/^r\d+$/);
    expect(await b.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'error',
      code: 'rate_limited',
    });
    await n.answers();
  });
});

describe('hub-wide history budget (memory engine)', () => {
  it('past the budget the oldest messages of any room go first: resuming past them is evicted, the newest stay, /metrics shows it', async () => {
    const hub = await hubWith({ history: { budgetBytes: 100_000 } });
    const n = await neighbour(hub);
    const client = await connect(hub, await token(hub, { sub: 'writer' }));
    // A member keeps dashboard:h0 (and its epoch) alive while its history is evicted.
    const member = await connect(hub, await token(hub, { sub: 'member' }));
    await member.request({ type: 'subscribe', room: 'dashboard:h0' });
    const data = { blob: 'h'.repeat(10_000) };
    const acks = [];
    for (let i = 0; i < 40; i++)
      acks.push(await client.request({ type: 'publish', room: `dashboard:h${i}`, event: 'e', data }));
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    const first = acks[0] as unknown as { epoch: string };
    const oldest = await client.request({
      type: 'subscribe',
      room: 'dashboard:h0',
      since: { epoch: first.epoch, seq: 0 },
    });
    expect(oldest).toMatchObject({ type: 'ack', recovered: false, reason: 'evicted' });
    const last = acks[39] as unknown as { epoch: string };
    const newest = await client.request({
      type: 'subscribe',
      room: 'dashboard:h39',
      since: { epoch: last.epoch, seq: 0 },
    });
    expect(newest).toMatchObject({ type: 'ack', recovered: true });
    const metrics = (await httpRequest(hub, 'GET', '/metrics')).text;
    const used = Number(/^insight_hub_history_bytes (\d+)/m.exec(metrics)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(100_000);
    expect(metrics).toMatch(/^insight_hub_history_budget_bytes 100000$/m);
    expect(Number(/^insight_hub_history_evicted_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(20);
    await n.answers();
  });
});

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
