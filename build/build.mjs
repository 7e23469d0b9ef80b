#!/usr/bin/env node
// The one build: the package's JavaScript and declarations (tsc -p tsconfig.build.json: dist/ mirrors
// hub/, so the library, the SDK and the CLI are the same compiled files), the desktop's hub process
// (esbuild) into dist/hub/, Electron main and preload into electron-dist/, and the web client (Vite,
// build/vite.renderer.config.ts) into renderer-dist/.
//
//   node build/build.mjs [--out <dir>] [--skip-renderer]
//
// --out puts the three folders under another directory (the packaging test builds into a scratch
// project so it never rewrites the folders other tests are reading).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: { out: { type: 'string' }, 'skip-renderer': { type: 'boolean', default: false } },
});
const outRoot = resolve(flags.out ?? root);
const dist = join(outRoot, 'dist');
const electronDist = join(outRoot, 'electron-dist');
const rendererDist = join(outRoot, 'renderer-dist');
const src = (path) => join(root, path);

// Optional native speed-ups that `ws` tries to load and does without.
const OPTIONAL_NATIVE = ['bufferutil', 'utf-8-validate'];
// Native modules the hub process loads from the app's node_modules (electron-builder rebuilds them
// for Electron and unpacks them from the archive): the disk history's SQLite.
const APP_NATIVE = ['better-sqlite3'];

// CommonJS bundles have no `import.meta.url`; give code that reads files beside itself
// (package.json for the version) the bundle's own URL instead.
const importMetaUrl = {
  banner: { js: 'const __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__bundle_url' },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const jobs = {
  /** `insight-hub`, `insight-hub/client`, `insight-hub/protocol` and the CLI: ESM + .d.ts, one file
   * per source file. TypeScript 7's native compiler emits both. */
  library: async () => {
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', src('tsconfig.build.json'), '--outDir', dist], {
        cwd: root,
      });
    } catch (error) {
      throw new Error(`tsc -p tsconfig.build.json failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`, {
        cause: error,
      });
    }
  },

  /** The hub process the desktop app forks: one self-contained CommonJS file, so it runs from
   * inside the app archive with no node_modules beside it. */
  hubProcess: () =>
    build({
      ...common,
      ...importMetaUrl,
      entryPoints: [src('electron/hub-process.ts')],
      outfile: join(dist, 'hub', 'hub-process.cjs'),
      format: 'cjs',
      external: [...OPTIONAL_NATIVE, ...APP_NATIVE],
    }),

  /** Electron main, one CommonJS file; `electron` is provided by the runtime. */
  main: () =>
    build({
      ...common,
      ...importMetaUrl,
      entryPoints: [src('electron/main.ts')],
      outfile: join(electronDist, 'main.cjs'),
      format: 'cjs',
      external: ['electron', ...OPTIONAL_NATIVE],
    }),

  /** The preload: ONE CommonJS file, because a sandboxed preload can require nothing but `electron`. */
  preload: () =>
    build({
      ...common,
      entryPoints: [src('electron/preload.ts')],
      outfile: join(electronDist, 'preload.cjs'),
      format: 'cjs',
      external: ['electron'],
    }),
};

function copyIcons() {
  mkdirSync(electronDist, { recursive: true });
  copyFileSync(src('build/icons/icon.png'), join(electronDist, 'icon.png'));
  copyFileSync(src('build/icons/tray-icon.png'), join(electronDist, 'tray-icon.png'));
}

/**
 * The folder Electron runs in development (`electron electron-dist`): the package's own `main` is
 * the library, which is what npm users import. Same name, so the app's data folder is the same;
 * electron-builder sets the packaged app's `main` itself (build/electron-builder.json).
 */
function writeElectronManifest() {
  const { name, version, description } = JSON.parse(readFileSync(src('package.json'), 'utf8'));
  const manifest = { name, version, description, private: true, main: 'main.cjs' };
  writeFileSync(join(electronDist, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function buildRenderer() {
  const configFile = src('build/vite.renderer.config.ts');
  if (flags['skip-renderer']) return 'skipped (--skip-renderer)';
  if (!existsSync(configFile)) return 'skipped (no build/vite.renderer.config.ts yet)';
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile, logLevel: 'warn', build: { outDir: rendererDist, emptyOutDir: true } });
  return `built into ${rendererDist}`;
}

/** A sandboxed preload fails at load time if it requires anything else; catch that here. */
function checkPreload() {
  const code = readFileSync(join(electronDist, 'preload.cjs'), 'utf8');
  const required = [...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  const foreign = required.filter((name) => name !== 'electron');
  if (foreign.length > 0)
    throw new Error(`preload.cjs requires ${foreign.join(', ')}; a sandboxed preload may only require electron`);
}

const started = Date.now();
// Start from an empty dist/ so no module of a deleted source lingers in the package.
rmSync(dist, { recursive: true, force: true });
await Promise.all(Object.values(jobs).map((job) => job()));
copyIcons();
writeElectronManifest();
checkPreload();
const renderer = await buildRenderer();
console.log(
  `build: hub and desktop bundles in ${dist} and ${electronDist}; renderer ${renderer} (${Date.now() - started} ms)`,
);
