#!/usr/bin/env node
// `npm start`: build when the bundles are missing or older than the sources, fetch the Electron
// runtime on first use with Electron's own install script (which honours ELECTRON_MIRROR), and
// launch the desktop app. When the runtime cannot be had (or there is no display to show it on),
// say so once and run the headless hub instead, printing the console link with an admin token.
//
// A failed fetch is remembered (per Electron version and mirror), so later starts neither wait
// for it nor claim to be fetching; `--fetch-electron` tries again.
//
//   npm start [-- --no-build] [-- --fetch-electron] [-- <serve options for the headless fallback, e.g. --port 7421>]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const retryFetch = args.includes('--fetch-electron');
const passThrough = args.filter((a) => a !== '--no-build' && a !== '--fetch-electron');
const cacheDir = process.env.INSIGHT_HUB_CACHE_DIR ?? join(root, 'node_modules/.cache/insight-hub');
const failureFile = join(cacheDir, 'electron-fetch-failed.json');

/** Path of the Electron binary when it is installed, else undefined. */
function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const path = require(join(root, 'node_modules/electron/index.js'));
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** What a fetch is tried for: a failure recorded for the same version and mirror is not retried. */
const fetchKey = () => ({ version: electronVersion(), mirror: process.env.ELECTRON_MIRROR ?? null });

function recordedFailure() {
  try {
    const failure = JSON.parse(readFileSync(failureFile, 'utf8'));
    const key = fetchKey();
    return failure.version === key.version && failure.mirror === key.mirror ? failure : undefined;
  } catch {
    return undefined;
  }
}

/** Run Electron's own installer; returns why it failed, if it did. Says "Fetching" only when it fetches. */
function fetchElectron() {
  const installer = join(root, 'node_modules/electron/install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (run npm install)';
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  const known = retryFetch ? undefined : recordedFailure();
  if (known) return `${known.reason} on ${known.at.slice(0, 10)}; run \`npm start -- --fetch-electron\` to try again`;
  const mirror = process.env.ELECTRON_MIRROR ? ` from ${process.env.ELECTRON_MIRROR}` : '';
  console.error(`Fetching the Electron runtime${mirror} (first run only)…`);
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', env: process.env });
  if (result.status === 0 && electronBinary()) {
    rmSync(failureFile, { force: true });
    return undefined;
  }
  const detail = `${result.stderr ?? ''}`
    .split('\n')
    .find((line) => /error/i.test(line))
    ?.trim();
  const reason = detail ? `the download failed: ${detail}` : 'the download failed';
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(failureFile, JSON.stringify({ ...fetchKey(), reason, at: new Date().toISOString() }));
  } catch {
    // Not remembered: the next start tries again, which is only slower.
  }
  return reason;
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Forward Ctrl-C and termination to the child and leave with its exit code. */
function follow(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runHeadless(reason) {
  console.error(
    `\nInsight Hub cannot open its desktop window here: ${reason}. ` +
      'It is running the same hub without a window instead; open the console link printed below in a ' +
      'browser on this computer (the link carries an admin token, so do not share it). To get the desktop ' +
      'app, allow downloads from the Electron release server or set ELECTRON_MIRROR to a reachable mirror, ' +
      'make sure a display is available, and run `npm start` again.\n',
  );
  follow(
    spawn(process.execPath, [join(root, 'bin/insight-hub.js'), 'serve', '--admin-link', ...passThrough], {
      stdio: 'inherit',
    }),
  );
}

if (!noBuild) buildIfStale();
let electron = electronBinary();
const fetchFailure = electron ? undefined : fetchElectron();
electron = electronBinary();

if (!electron) runHeadless(`the Electron runtime is not installed and could not be fetched (${fetchFailure})`);
else if (noDisplay()) runHeadless('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
else follow(spawn(electron, [join(root, 'electron-dist')], { stdio: 'inherit' }));
