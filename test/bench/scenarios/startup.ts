/**
 * Scenario 9 — start-up: a fresh process per round, pinned to the servers' core; wall time from
 * spawn to the first 200 from `/healthz`, and its resident memory then (/proc). The hub runs as
 * users run it, `insight-hub serve` (the run's compiled CLI); the peers
 * are plain JavaScript files with ws or Socket.IO on an HTTP server answering `/healthz`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { builtCli } from '../runner/hub-build.js';
import { HAS_TASKSET } from '../runner/processes.js';
import { SERVER_CPU } from '../runner/servers.js';
import { median, sleep, type ScenarioContext } from './context.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BENCH = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-startup-secret-0123456789abcdef-0123';

interface StartupRecord {
  kind: ServerKind;
  round: number;
  healthzMs: number;
  rssMiB: number;
}

function command(kind: ServerKind, dataDir: string): string[] {
  if (kind === 'hub') return [builtCli(), 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir];
  return [join(BENCH, kind === 'ws' ? 'servers/startup-ws.mjs' : 'servers/startup-socketio.mjs')];
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

async function startOnce(kind: ServerKind, round: number): Promise<StartupRecord> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const node = command(kind, dataDir);
  const [cmd, args] = HAS_TASKSET
    ? ['taskset', ['-c', String(SERVER_CPU), process.execPath, ...node]]
    : [process.execPath, node];
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: REPO,
    env: { ...process.env, INSIGHT_HUB_SECRET: SECRET, INSIGHT_HUB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const look = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${out.slice(0, 300)}`)));
      setTimeout(() => reject(new Error(`${kind} did not start in 30 s`)), 30_000).unref();
    });
    for (const deadline = Date.now() + 30_000; ;) {
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${kind}: /healthz never answered 200`);
      await sleep(2);
    }
    return { kind, round, healthzMs: performance.now() - started, rssMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function startupScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const records: StartupRecord[] = [];
  for (let round = 1; round <= ctx.profile.startup.rounds; round++) {
    for (const kind of ctx.kinds) {
      const r = await startOnce(kind, round);
      records.push(r);
      ctx.log(
        `round ${round} ${kind.padEnd(9)} first /healthz after ${r.healthzMs.toFixed(0)} ms, RSS ${r.rssMiB.toFixed(1)} MiB`,
      );
    }
  }
  const stat = (f: (r: StartupRecord) => number, pick: (xs: number[]) => number | null) => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    for (const kind of ctx.kinds) {
      const xs = records.filter((r) => r.kind === kind).map(f);
      values[kind] = xs.length ? pick(xs) : null;
    }
    return values;
  };
  const rounds = ctx.profile.startup.rounds;
  const metrics: Metric[] = [
    {
      label: `time to first /healthz (median of ${rounds})`,
      unit: 'ms',
      better: 'lower',
      values: stat((r) => r.healthzMs, median),
    },
    {
      label: 'time to first /healthz, best round',
      unit: 'ms',
      better: 'lower',
      values: stat(
        (r) => r.healthzMs,
        (xs) => Math.min(...xs),
      ),
    },
    {
      label: `RSS at first /healthz (median of ${rounds})`,
      unit: 'MiB',
      better: 'lower',
      values: stat((r) => r.rssMiB, median),
    },
  ];
  return {
    id: 9,
    title: 'Start-up (fresh process, as run by users)',
    metrics,
    detail: records,
    elapsedMs: Date.now() - started,
  };
}
