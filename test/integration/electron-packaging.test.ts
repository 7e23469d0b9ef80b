/**
 * The real build and packaging config, checked without the Electron runtime: build every bundle
 * into a scratch project, run the built hub process, then let electron-builder assemble the
 * unpacked app against a stand-in Electron folder (`electronDist`) and read its archive.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  superviseHub,
  userDataDir,
  writeSettings,
  runningEndpoint,
  type SupervisedHub,
} from '../support/electron-hub-harness.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'insight-package-'));
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);

/** The file list of an asar archive, read from its JSON header (the format's first 16 bytes frame it). */
function asarFiles(archive: string): Map<string, number> {
  const bytes = readFileSync(archive);
  const header = JSON.parse(bytes.subarray(16, 16 + bytes.readUInt32LE(12)).toString('utf8')) as AsarDir;
  const files = new Map<string, number>();
  const walk = (dir: AsarDir, prefix: string): void => {
    for (const [name, entry] of Object.entries(dir.files)) {
      const path = prefix ? `${prefix}/${name}` : name;
      if ('files' in entry) walk(entry, path);
      else files.set(path, entry.size);
    }
  };
  walk(header, '');
  return files;
}
interface AsarDir {
  files: Record<string, AsarDir | { size: number }>;
}

/** What the app ships in node_modules: the disk history's native SQLite module and its loader. */
const NATIVE_FILES = [
  'better-sqlite3/package.json',
  'better-sqlite3/lib',
  'better-sqlite3/build/Release/better_sqlite3.node',
  'bindings',
  'file-uri-to-path',
];

let hub: SupervisedHub | undefined;
beforeAll(async () => {
  await run(process.execPath, [join(repo, 'build/build.mjs'), '--out', project], { cwd: repo });
  for (const f of NATIVE_FILES)
    cpSync(join(repo, 'node_modules', f), join(project, 'node_modules', f), { recursive: true });
}, 240_000);
afterAll(async () => {
  await hub?.supervisor.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('build', () => {
  it('writes main, preload, the hub process and the renderer', () => {
    for (const file of [
      'electron-dist/main.cjs',
      'electron-dist/preload.cjs',
      'electron-dist/tray-icon.png',
      'dist/hub/hub-process.cjs',
      'dist/cli.js',
      'dist/index.d.ts',
      'renderer-dist/index.html',
    ]) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
  });

  it('the preload is one CommonJS file that requires only electron', () => {
    const code = readFileSync(join(project, 'electron-dist/preload.cjs'), 'utf8');
    expect([...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).toContain('exposeInMainWorld');
    expect(code).not.toMatch(/^import |\bimport\(/m);
  });

  it('main needs nothing beyond electron and Node built-ins', () => {
    const code = readFileSync(join(project, 'electron-dist/main.cjs'), 'utf8');
    const required = new Set([...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules);
    const foreign = [...required].filter((name) => name !== 'electron' && !builtins.has(name.replace(/^node:/, '')));
    expect(foreign).toEqual([]);
  });

  it('the built hub process runs on its own and serves the built console', async () => {
    const dir = userDataDir();
    await writeSettings(dir, {});
    hub = superviseHub(dir, {
      entry: join(project, 'dist/hub/hub-process.cjs'),
      webRoot: join(project, 'renderer-dist'),
    });
    const ready = hub.next('running');
    hub.supervisor.start();
    const endpoint = runningEndpoint(await ready);
    const page = await fetch(endpoint.joinUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(join(project, 'renderer-dist/index.html'), 'utf8'));
    await hub.supervisor.stop();
    expect(hub.supervisor.status.state).toBe('stopped');
  });
});

describe('packaging', () => {
  it('electron-builder --dir assembles an app whose archive holds main, preload, the hub entry and the renderer', async () => {
    // A stand-in for the Electron distribution electron-builder copies; the binary is never run.
    const electronDist = join(project, 'electron-standin');
    mkdirSync(electronDist, { recursive: true });
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    writeFileSync(join(electronDist, 'LICENSE'), '');
    writeFileSync(join(electronDist, 'LICENSES.chromium.html'), '');
    const electronVersion = (
      JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    ).version;
    writeFileSync(join(electronDist, 'version'), electronVersion);

    // The scratch project: the real package metadata without dependencies (everything is bundled).
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    const { name, version, description, license, main, type } = pkg;
    const dependencies = { 'better-sqlite3': (pkg.dependencies as Record<string, string>)['better-sqlite3'] };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name, version, description, license, main, type, dependencies }, null, 2),
    );
    cpSync(join(repo, 'build/icons'), join(project, 'build/icons'), { recursive: true });

    const output = join(project, 'release');
    await run(
      bin('electron-builder'),
      [
        '--dir',
        '--linux',
        '--x64',
        '--projectDir',
        project,
        '--config',
        join(repo, 'build/electron-builder.json'),
        `-c.electronDist=${electronDist}`,
        `-c.electronVersion=${electronVersion}`,
        `-c.directories.output=${output}`,
        // The config rebuilds better-sqlite3 for Electron; that needs Electron's headers from the
        // network, which this machine lacks, so the Node build copied above is packed as it is.
        '-c.npmRebuild=false',
      ],
      { cwd: project, env: { ...process.env, CI: '1' } },
    );

    const unpacked = join(output, 'linux-unpacked');
    expect(readdirSync(unpacked)).toContain('insight-hub');
    const files = asarFiles(join(unpacked, 'resources', 'app.asar'));
    for (const required of [
      'package.json',
      'electron-dist/main.cjs',
      'electron-dist/preload.cjs',
      'electron-dist/tray-icon.png',
      'dist/hub/hub-process.cjs',
      'renderer-dist/index.html',
    ]) {
      expect(files.has(required), required).toBe(true);
    }
    expect(files.get('dist/hub/hub-process.cjs')).toBe(readFileSync(join(project, 'dist/hub/hub-process.cjs')).length);
    const rendererFiles = readdirSync(join(project, 'renderer-dist'), { recursive: true, withFileTypes: true }).filter(
      (d) => d.isFile() && !d.name.endsWith('.map'),
    );
    expect([...files.keys()].filter((f) => f.startsWith('renderer-dist/'))).toHaveLength(rendererFiles.length);
    // Bundled programs only: no source maps, not the CLI; of node_modules only SQLite and its loader,
    // the native part unpacked beside the archive (a .node cannot be loaded from inside it).
    expect([...files.keys()].filter((f) => f.endsWith('.map') || f === 'dist/cli.js')).toEqual([]);
    const modules = new Set([...files.keys()].filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    expect([...modules].sort()).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path']);
    expect(
      existsSync(
        join(
          unpacked,
          'resources',
          'app.asar.unpacked',
          'node_modules',
          'better-sqlite3',
          'build',
          'Release',
          'better_sqlite3.node',
        ),
      ),
    ).toBe(true);
  }, 240_000);
});
