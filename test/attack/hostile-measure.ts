/**
 * Figures for the hostile-peer note (not a test): each attack against `insight-hub serve` in a child
 * process, with a neighbour pinging from 127.0.0.2. Loopback only, every attack bounded in time.
 *
 *   npx tsx test/attack/hostile-measure.ts [idle|history|history-budget|refusals|idlast] …   (default: all)
 *
 * Prints per attack: hub alive afterwards, neighbour ping p99 and lost pings during the attack,
 * peak RSS of the hub, the hub's stdout bytes, and what the attacker got back.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { importHmacSecret } from '../../hub/auth/keys.js';
import { mintToken } from '../../hub/auth/mint.js';
import { CLI_PATH, TEST_SECRET, tempDir } from '../support/hub.js';

/** HUB_CLI: another checkout's bin/insight-hub.js (figures before a change). */
const CLI = process.env.HUB_CLI ?? CLI_PATH;
const LOADER = CLI.endsWith('.ts') ? '--import tsx' : '';
const ATTACK_MS = Number(process.env.ATTACK_MS ?? 15_000);

interface Child {
  pid: number;
  port: number;
  stdoutBytes(): number;
  alive(): boolean;
  stop(): void;
}

async function serve(ulimit: number, nodeFlags: string[], args: string[]): Promise<Child> {
  const cmd = `ulimit -n ${ulimit}; exec "${process.execPath}" ${nodeFlags.join(' ')} ${LOADER} "${CLI}" serve --port 0 --host 127.0.0.1 --data-dir "${tempDir()}" ${args.join(' ')}`;
  const child = spawn('bash', ['-c', cmd], {
    env: { ...process.env, INSIGHT_HUB_SECRET: TEST_SECRET, INSIGHT_HUB_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = 0;
  let err = '';
  let exited = false;
  child.stdout!.on('data', (c: Buffer) => (out += c.length));
  child.on('exit', () => (exited = true));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`hub exited: ${err}`)));
  });
  return { pid: child.pid!, port, stdoutBytes: () => out, alive: () => !exited, stop: () => child.kill('SIGKILL') };
}

function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const token = async (claims: { sub: string; role?: 'editor' | 'viewer' }): Promise<string> =>
  mintToken(await importHmacSecret(TEST_SECRET), { role: 'editor', rooms: ['*'], ttlSec: 3600, ...claims });

/** A neighbour on 127.0.0.2 sending one ping every 50 ms; round trips kept, lost = no pong in 2 s. */
async function neighbour(port: number): Promise<{ stop(): { p99: number; lost: number; sent: number } }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['insight.v1'], {
    headers: { authorization: `Bearer ${await token({ sub: 'neighbour' })}` },
    localAddress: '127.0.0.2',
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
  const pending = new Map<string, number>();
  const rtts: number[] = [];
  let sent = 0;
  let lost = 0;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; id?: string };
    const at = m.id ? pending.get(m.id) : undefined;
    if (m.type === 'pong' && at !== undefined) (rtts.push(performance.now() - at), pending.delete(m.id!));
  });
  const timer = setInterval(() => {
    const now = performance.now();
    for (const [id, at] of pending) if (now - at > 2000) (pending.delete(id), lost++);
    const id = `p${++sent}`;
    pending.set(id, now);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', id }));
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      ws.terminate();
      rtts.sort((a, b) => a - b);
      const p99 = rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(rtts.length * 0.99))]! : Infinity;
      return { p99: Math.round(p99 * 10) / 10, lost: lost + pending.size, sent };
    },
  };
}

type Attack = (port: number) => Promise<string>;

/** 1,100 TCP connections that never send a byte, held for the attack's duration. */
const idle: Attack = async (port) => {
  const sockets: Socket[] = [];
  let refusedAtConnect = 0;
  let closedByHub = 0;
  let answered = 0;
  for (let i = 0; i < 1100; i++) {
    const s = netConnect(port, '127.0.0.1');
    s.on('error', () => refusedAtConnect++);
    s.on('data', () => answered++);
    s.on('close', () => closedByHub++);
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, ATTACK_MS));
  const still = sockets.filter((s) => !s.destroyed).length;
  sockets.forEach((s) => s.destroy());
  return `1100 idle sockets: ${still} still open after ${ATTACK_MS / 1000}s, ${closedByHub} closed by the hub (${answered} got bytes), ${refusedAtConnect} connect errors`;
};

/** One editor on 8 connections, each publishing 60 KB messages at 90/s (under the message rate), each to a new room. */
const history: Attack = async (port) => {
  const tok = await token({ sub: 'flooder' });
  const data = { blob: 'x'.repeat(60_000) };
  const answers: Record<string, number> = {};
  const closes: number[] = [];
  let n = 0;
  const sockets = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['insight.v1'], {
        headers: { authorization: `Bearer ${tok}` },
      });
      ws.on('error', () => {});
      await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { type: string; code?: string };
        const k = m.type === 'error' ? `error ${m.code}` : m.type;
        answers[k] = (answers[k] ?? 0) + 1;
      });
      ws.on('close', (code) => closes.push(code));
      return ws;
    }),
  );
  const timer = setInterval(() => {
    for (const ws of sockets)
      if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1e6)
        ws.send(JSON.stringify({ type: 'publish', room: `dashboard:h${n}`, event: 'e', data, id: `m${n++}` }));
  }, 11);
  await new Promise((r) => setTimeout(r, ATTACK_MS));
  clearInterval(timer);
  sockets.forEach((ws) => ws.terminate());
  return `published ${n} × 60 KB to new rooms: ${JSON.stringify(answers)}${closes.length ? ` closes ${closes.join(',')}` : ''}`;
};

/** Upgrades without a token, 50 at a time, for the attack's duration. */
const refusals: Attack = async (port) => {
  const statuses: Record<string, number> = {};
  const deadline = Date.now() + ATTACK_MS;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['insight.v1']);
      let settled = false;
      const done = (k: string): void => {
        if (settled) return;
        settled = true;
        statuses[k] = (statuses[k] ?? 0) + 1;
        ws.terminate();
        resolve();
      };
      ws.on('unexpected-response', (_q, res) => done(String(res.statusCode)));
      ws.on('open', () => done('101'));
      ws.on('error', (err) => done(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  return `refused upgrades: ${JSON.stringify(statuses)}`;
};

/** 400 publishes sent at once (past the burst), 5 KB of data before the `id`. */
const idlast: Attack = async (port) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['insight.v1'], {
    headers: { authorization: `Bearer ${await token({ sub: 'idlast' })}` },
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
  let withId = 0;
  let withoutId = 0;
  let acks = 0;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; id?: string };
    if (m.type === 'ack') acks++;
    if (m.type === 'error') m.id ? withId++ : withoutId++;
  });
  const data = { pad: 'y'.repeat(5000) };
  for (let i = 0; i < 215; i++)
    ws.send(JSON.stringify({ type: 'publish', room: 'dashboard:1', event: 'e', data, id: `late${i}` }));
  await new Promise((resolve) => {
    ws.send(JSON.stringify({ type: 'ping', id: 'last' }));
    ws.on('message', (d) => (JSON.parse(d.toString()) as { id?: string }).id === 'last' && resolve(null));
    setTimeout(resolve, 5000);
  });
  ws.terminate();
  return `215 id-last publishes: ${acks} acks, ${withId} errors with id, ${withoutId} errors without id`;
};

const ATTACKS: Record<string, { run: Attack; ulimit: number; nodeFlags: string[]; args?: string[] }> = {
  idle: { run: idle, ulimit: 1024, nodeFlags: [] },
  history: { run: history, ulimit: 1024, nodeFlags: ['--max-old-space-size=128'] },
  // The same flood with the per-user byte rate lifted, so only the history budget stands in the way.
  'history-budget': {
    run: history,
    ulimit: 1024,
    nodeFlags: ['--max-old-space-size=128'],
    args: ['--publish-bytes-per-second', '1000000000'],
  },
  refusals: { run: refusals, ulimit: 1024, nodeFlags: [] },
  idlast: { run: idlast, ulimit: 1024, nodeFlags: [] },
};

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(ATTACKS)) {
  const attack = ATTACKS[name]!;
  const hub = await serve(attack.ulimit, attack.nodeFlags, attack.args ?? []);
  const n = await neighbour(hub.port);
  let peak = rssOf(hub.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(hub.pid))), 250);
  const got = await attack.run(hub.port).catch((err: Error) => `attack failed: ${err.message}`);
  clearInterval(sampler);
  const ping = n.stop();
  console.log(
    `${name}: hub alive ${hub.alive()}, neighbour p99 ${ping.p99} ms (${ping.lost}/${ping.sent} pings lost), peak RSS ${Math.round(peak / 2 ** 20)} MiB, stdout ${hub.stdoutBytes()} B\n  attacker: ${got}`,
  );
  hub.stop();
}
