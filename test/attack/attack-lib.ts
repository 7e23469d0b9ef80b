/**
 * Shared pieces for the attack scripts (not tests): `insight-hub serve` from the compiled
 * CLI in a child under a descriptor limit and Node flags, a pinging neighbour on 127.0.0.2, an RSS
 * sampler, and a probe that opens a NEW connection (what a new visitor sees during the attack).
 * Loopback only; everything stops by itself.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import WebSocket from 'ws';
import { importHmacSecret } from '../../hub/auth/keys.js';
import { mintToken } from '../../hub/auth/mint.js';
import { TEST_SECRET, tempDir } from '../support/hub.js';

export const BIN = fileURLToPath(new URL('../../bin/insight-hub.js', import.meta.url));

export interface Served {
  pid: number;
  port: number;
  dataDir: string;
  out(): number;
  err(): string;
  alive(): boolean;
  stop(): void;
}

export async function serve(opts: { ulimit?: number; nodeOptions?: string; args?: string[] } = {}): Promise<Served> {
  const dataDir = tempDir();
  const cmd = `ulimit -n ${opts.ulimit ?? 4096}; exec "${process.execPath}" "${BIN}" serve --port 0 --host 127.0.0.1 --data-dir "${dataDir}" ${(opts.args ?? []).join(' ')}`;
  const child = spawn('bash', ['-c', cmd], {
    env: {
      ...process.env,
      INSIGHT_HUB_SECRET: TEST_SECRET,
      INSIGHT_HUB_LOG_LEVEL: 'info',
      NODE_OPTIONS: opts.nodeOptions ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = 0;
  let err = '';
  let exited = false;
  child.stdout!.on('data', (c: Buffer) => (out += c.length));
  child.on('exit', () => (exited = true));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      if (err.length < 1e6) err += c;
      else out += c.length;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`hub exited: ${err}`)));
  });
  return {
    pid: child.pid!,
    port,
    dataDir,
    out: () => out,
    err: () => err,
    alive: () => !exited,
    stop: () => child.kill('SIGKILL'),
  };
}

export function rss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export async function tok(claims: {
  sub: string;
  role?: 'viewer' | 'editor' | 'admin' | 'service';
  rooms?: string[];
  ttlSec?: number;
}): Promise<string> {
  return mintToken(await importHmacSecret(TEST_SECRET), { role: 'editor', rooms: ['*'], ttlSec: 3600, ...claims });
}

export function openWs(
  port: number,
  token: string,
  localAddress = '127.0.0.1',
  headers: Record<string, string> = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['insight.v1'], {
    headers: { authorization: `Bearer ${token}`, ...headers },
    localAddress,
  });
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused ${res.statusCode}`)));
  });
}

export interface NeighbourReport {
  sent: number;
  lost: number;
  p99: number;
  max: number;
  newConnOk: number;
  newConnFail: number;
  failures: string[];
}

/** One connected neighbour pinging every 100 ms, and one NEW connection (healthz) every 500 ms. */
export async function neighbour(port: number, from = '127.0.0.2'): Promise<{ stop(): NeighbourReport }> {
  const ws = await openWs(port, await tok({ sub: 'neighbour' }), from);
  ws.on('error', () => {});
  const pending = new Map<string, number>();
  const rtts: number[] = [];
  let sent = 0;
  let lost = 0;
  let ok = 0;
  let fail = 0;
  const failures = new Set<string>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; id?: string };
    const at = m.id ? pending.get(m.id) : undefined;
    if (m.type === 'pong' && at !== undefined) (rtts.push(performance.now() - at), pending.delete(m.id!));
  });
  const pinger = setInterval(() => {
    const now = performance.now();
    for (const [id, at] of pending) if (now - at > 3000) (pending.delete(id), lost++);
    const id = `p${++sent}`;
    pending.set(id, now);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', id }));
  }, 100);
  const prober = setInterval(() => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', localAddress: from, timeout: 3000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) ok++;
      else (fail++, failures.add(`status ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => (fail++, failures.add(e.message)));
    req.end();
  }, 500);
  return {
    stop() {
      clearInterval(pinger);
      clearInterval(prober);
      lost += pending.size;
      const closed = ws.readyState !== WebSocket.OPEN;
      ws.terminate();
      rtts.sort((a, b) => a - b);
      if (closed) failures.add('neighbour socket was closed');
      return {
        sent,
        lost,
        p99: rtts[Math.floor(rtts.length * 0.99)] ?? NaN,
        max: rtts.at(-1) ?? NaN,
        newConnOk: ok,
        newConnFail: fail,
        failures: [...failures],
      };
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run `attack` for `ms` with a neighbour and an RSS sampler; print one line. */
export async function measure(
  name: string,
  hub: Served,
  ms: number,
  attack: (signal: { stopped: boolean }) => Promise<string>,
): Promise<void> {
  // In its own process: the attacker's CPU here must not be counted as the hub's slowness.
  const report = new Promise<NeighbourReport>((resolve, reject) =>
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./attack-neighbour.ts', import.meta.url)),
        String(hub.port),
        String(ms),
      ],
      (err, stdout) =>
        err
          ? reject(err instanceof Error ? err : new Error(String(err)))
          : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as NeighbourReport),
    ),
  );
  await sleep(1500);
  let peak = rss(hub.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rss(hub.pid))), 250);
  const signal = { stopped: false };
  const result = attack(signal);
  await sleep(ms);
  signal.stopped = true;
  const got = await result;
  clearInterval(sampler);
  const r = await report;
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
  console.log(
    JSON.stringify({
      attack: name,
      alive: hub.alive(),
      neighbourP99ms: Math.round(r.p99),
      neighbourMaxMs: Math.round(r.max),
      pings: `${r.sent - r.lost}/${r.sent}`,
      newConnections: `${r.newConnOk} ok, ${r.newConnFail} failed${r.failures.length ? ` (${r.failures.join('; ')})` : ''}`,
      peakRss: mb(peak),
      stdoutBytes: hub.out(),
      attackerGot: got,
    }),
  );
}
