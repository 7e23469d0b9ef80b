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
    return { ms: performance.now() - started, rss: rssMiB(child.pid) };
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
  const child = fork(hubEntry, ['--user-data', dataDir, '--log-level', 'warn'], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const url = await new Promise((resolveUrl, reject) => {
      child.on('message', (m) => {
        if (m?.type === 'ready') resolveUrl(m.url.replace(/\/$/, ''));
        if (m?.type === 'failed') reject(new Error(m.message));
      });
      child.on('exit', (code) => reject(new Error(`hub process exited with ${code}`)));
    });
    await firstHealthy(url, Date.now() + 30_000);
    return { ms: performance.now() - started, rss: rssMiB(child.pid) };
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function timed(args, env = {}) {
  const started = performance.now();
  execFileSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  return performance.now() - started;
}

function mintTokens(count) {
  const dataDir = mkdtempSync(join(tmpdir(), 'measure-token-'));
  try {
    const started = performance.now();
    for (let i = 0; i < count; i++) timed(['token', '--sub', `user-${i}`, '--role', 'viewer', '--room', 'dashboard:*', '--data-dir', dataDir], { INSIGHT_HUB_SECRET: SECRET });
    return performance.now() - started;
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
const token = await repeat(() => timed(['token', '--sub', 'a', '--role', 'viewer', '--room', 'x'], { INSIGHT_HUB_SECRET: SECRET }));
const thirty = mintTokens(Number(flags.tokens));

const report = {
  bin,
  hubEntry,
  runs,
  serve: { healthzMs: median(serve.map((r) => r.ms)), rssMiB: median(serve.map((r) => r.rss)) },
  desktopHub: { healthzMs: median(desktop.map((r) => r.ms)), rssMiB: median(desktop.map((r) => r.rss)) },
  helpMs: median(help),
  tokenMs: median(token),
  [`tokens${flags.tokens}Ms`]: thirty,
};
if (flags.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(`bin ${bin}; hub process ${hubEntry}; median of ${runs} (range)`);
  console.log(`serve:       first /healthz ${report.serve.healthzMs.toFixed(0)} ms (${spread(serve.map((r) => r.ms))}), RSS ${report.serve.rssMiB.toFixed(1)} MiB`);
  console.log(`desktop hub: first /healthz ${report.desktopHub.healthzMs.toFixed(0)} ms (${spread(desktop.map((r) => r.ms))}), RSS ${report.desktopHub.rssMiB.toFixed(1)} MiB`);
  console.log(`--help:      ${report.helpMs.toFixed(0)} ms (${spread(help)})`);
  console.log(`token:       ${report.tokenMs.toFixed(0)} ms (${spread(token)})`);
  console.log(`${flags.tokens} tokens:   ${(thirty / 1000).toFixed(1)} s`);
}
