#!/usr/bin/env node
// Start-up cost of the hub as users run it: the CLI (`insight-hub serve`, what `npm start` runs
// headless), the desktop's hub process, `insight-hub --help` and minting tokens with the CLI.
// For each: wall time to the first 200 from /healthz and the process's resident memory then.
//
//   node build/measure-startup.mjs [--runs 5] [--bin bin/insight-hub.js] [--hub-entry dist/hub/hub-process.cjs] [--json]
//
// A measurement, not a test: it prints medians (and the spread) and asserts nothing.
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    bin: { type: 'string', default: join(root, 'bin/insight-hub.js') },
    'hub-entry': { type: 'string', default: join(root, 'dist/hub/hub-process.cjs') },
    tokens: { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(flags.runs);
const bin = resolve(flags.bin);
const hubEntry = resolve(flags['hub-entry']);
const SECRET = 'measure-startup-secret-0123456789abcdef';

/** CPU time (user + system) a live process has used, in ms, from /proc (Linux; 100 ticks/s). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident set size of a live process, in MiB, from /proc (Linux). */
function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function firstHealthy(url, deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url}/healthz never answered 200`);
}

/** `insight-hub serve` on a free port: ms to the first healthy /healthz, and its RSS then. */
async function cliServe() {
  const dataDir = mkdtempSync(join(tmpdir(), 'measure-cli-'));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    env: { ...process.env, INSIGHT_HUB_SECRET: SECRET, INSIGHT_HUB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    let err = '';
    const url = await new Promise((resolveUrl, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk) => {
        err += chunk;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) resolveUrl(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    await firstHealthy(url, Date.now() + 30_000);
    return { ms: performance.now() - started, cpu: cpuMs(child.pid), rss: rssMiB(child.pid) };
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The desktop's hub process, forked as the tests fork it (Electron uses utilityProcess.fork). */
async function desktopHub() {
  const dataDir = mkdtempSync(join(tmpdir(), 'measure-desktop-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, port: 0 }));
  const started = performance.now();
  const execArgv = hubEntry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(hubEntry, ['--user-data', dataDir, '--log-level', 'warn'], {
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const url = await new Promise((resolveUrl, reject) => {
      child.on('message', (m) => {
        if (m?.type === 'ready') resolveUrl(m.url.replace(/\/$/, ''));
        if (m?.type === 'failed') reject(new Error(m.message));
      });
      child.on('exit', (code) => reject(new Error(`hub process exited with ${code}`)));
    });
    await firstHealthy(url, Date.now() + 30_000);
    return { ms: performance.now() - started, cpu: cpuMs(child.pid), rss: rssMiB(child.pid) };
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Wall ms and CPU ms (user + system, from GNU time) of one CLI run. */
function timed(args, env = {}) {
  const started = performance.now();
  const times = join(tmpdir(), `measure-time-${process.pid}`);
  execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', times, process.execPath, bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const [user, sys] = readFileSync(times, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(times, { force: true });
  return { ms: performance.now() - started, cpu: (user + sys) * 1000 };
}

function mintTokens(count) {
  const dataDir = mkdtempSync(join(tmpdir(), 'measure-token-'));
  try {
    const started = performance.now();
    let cpu = 0;
    for (let i = 0; i < count; i++)
      cpu += timed(
        ['token', '--sub', `user-${i}`, '--role', 'viewer', '--room', 'dashboard:*', '--data-dir', dataDir],
        { INSIGHT_HUB_SECRET: SECRET },
      ).cpu;
    return { ms: performance.now() - started, cpu };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

async function repeat(fn) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  return results;
}

const serve = await repeat(cliServe);
const desktop = await repeat(desktopHub);
const help = await repeat(() => timed(['--help']));
const token = await repeat(() =>
  timed(['token', '--sub', 'a', '--role', 'viewer', '--room', 'x'], { INSIGHT_HUB_SECRET: SECRET }),
);
const thirty = mintTokens(Number(flags.tokens));

const summary = (rs) => ({
  ms: median(rs.map((r) => r.ms)),
  cpuMs: median(rs.map((r) => r.cpu)),
  ...(rs[0].rss ? { rssMiB: median(rs.map((r) => r.rss)) } : {}),
});
const report = {
  bin,
  hubEntry,
  runs,
  serve: summary(serve),
  desktopHub: summary(desktop),
  help: summary(help),
  token: summary(token),
  [`tokens${flags.tokens}Ms`]: thirty,
};
if (flags.json) {
  console.log(JSON.stringify(report));
} else {
  const line = (label, rs) => {
    const s = summary(rs);
    const rss = s.rssMiB ? `, RSS ${s.rssMiB.toFixed(1)} MiB` : '';
    return `${label.padEnd(28)} ${s.ms.toFixed(0)} ms wall (${spread(rs.map((r) => r.ms))}), ${s.cpuMs.toFixed(0)} ms CPU${rss}`;
  };
  console.log(`bin ${bin}; hub process ${hubEntry}; median of ${runs} (range)`);
  console.log(line('serve, to first /healthz:', serve));
  console.log(line('desktop hub, to /healthz:', desktop));
  console.log(line('--help:', help));
  console.log(line('token:', token));
  console.log(
    `${flags.tokens} tokens, one after another: ${(thirty.ms / 1000).toFixed(1)} s wall, ${(thirty.cpu / 1000).toFixed(1)} s CPU`,
  );
}
