// Builds when an output is missing or older than the sources: `npm start` and `npm test` call it,
// so a fresh `npm ci` needs no install script (the package runs none for its users either).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const OUTPUTS = [
  'electron-dist/main.cjs',
  'electron-dist/package.json',
  'electron-dist/preload.cjs',
  'dist/hub/hub-process.cjs',
  'dist/cli.js',
  'renderer-dist/index.html',
];
const SOURCES = ['electron', 'hub', 'renderer', 'build/build.mjs', 'build/vite.renderer.config.ts', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Runs build/build.mjs if needed; exits with its status when it fails. */
export function buildIfStale() {
  const outputs = OUTPUTS.map((p) => join(root, p));
  const missing = outputs.some((p) => !existsSync(p));
  const oldestOutput = missing ? 0 : Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newestSource = Math.max(...SOURCES.map((p) => newestMtime(join(root, p))));
  if (!missing && newestSource <= oldestOutput) return;
  console.error(missing ? 'Building the app (first run)…' : 'Sources changed since the last build; rebuilding…');
  const build = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
