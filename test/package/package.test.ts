/**
 * The packed tarball works as users get it, installed outside the repo: the README's and backend
 * examples from plain Node, the CLI, a strict TypeScript consumer (a wrong call fails to
 * type-check), and the React example in Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../../hub/client/index.js';
import { CHROMIUM } from '../support/chromium.js';
import { buildAndPack, consumerProject, pinned, repo, run, typecheck, type Packed } from './packed.js';
import { BROWSER_CONSUMER, SECRET, TYPED_CONSUMER, WRONG_CONSUMER, servePageScript } from './consumer-sources.js';

const scratch = mkdtempSync(join(tmpdir(), 'insight-pack-'));
let packed: Packed;
let project: string;
const children: ChildProcess[] = [];
let browser: Browser | undefined;

beforeAll(async () => {
  packed = await buildAndPack(scratch);
  project = await consumerProject(
    packed.tarball,
    ['@types/node', 'react', 'react-dom', '@types/react', '@types/react-dom'].map(pinned),
  );
  console.log(
    `package: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
  if (project) rmSync(project, { recursive: true, force: true });
});

/** A child process in the consumer project whose output is kept; `line` waits for a matching line. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const line = (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in: ${out}`)), timeoutMs);
      const check = (): void => {
        const m = pattern.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      check();
    });
  return { child, exited, line, output: () => out };
}

const example = (name: string) => cpSync(join(repo, 'docs/examples', name), join(project, name), { recursive: true });

describe('the tarball', () => {
  it('holds the compiled entry points with their declarations, the CLI, the web client and the docs', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    for (const entry of ['index', 'client/index', 'protocol/index']) {
      expect(paths, entry).toContain(`dist/${entry}.js`);
      expect(paths, entry).toContain(`dist/${entry}.d.ts`);
    }
    for (const file of [
      'dist/cli.js',
      'bin/insight-hub.js',
      'renderer-dist/index.html',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'package.json',
      'hub/client/README.md',
    ]) {
      expect(paths, file).toContain(file);
    }
  });

  it('names only files it holds (main, types, bin, exports) and runs no script when installed', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/insight-hub/package.json'), 'utf8')) as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
      scripts?: Record<string, string>;
    };
    const named = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) =>
        typeof target === 'string' ? [target] : Object.values(target),
      ),
    ].map((p) => p.replace(/^\.\//, ''));
    // Before, `main` was the desktop bundle, which the package does not hold.
    expect(named.filter((p) => !paths.has(p))).toEqual([]);
    // npm lists these as install scripts a user must approve; the package needs none.
    const installTime = ['preinstall', 'install', 'postinstall', 'prepare'];
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => installTime.includes(name))).toEqual([]);
  });

  it('holds no sources, tests, desktop bundles or source maps', () => {
    const unwanted = packed.files
      .map((f) => f.path)
      .filter(
        (p) =>
          /^(test|electron|electron-dist|renderer|build|docs)\//.test(p) ||
          /\.(ts|tsx)$/.test(p.replace(/\.d\.ts$/, '')) ||
          p.endsWith('.map') ||
          p.startsWith('dist/hub/'),
      );
    expect(unwanted).toEqual([]);
  });
});

describe('plain Node', () => {
  it("runs the README's library example verbatim: createHub and two SDK clients exchange a message, then the process ends", async () => {
    example('library.mjs');
    const proc = start(['library.mjs']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect(proc.output()).toMatch(/Bob received message 1: \{ widgets: \[ 'w7' \] \}/);
  }, 60_000);

  it('hub.mintToken() without a ttl gives a token valid for the documented 8 hours', async () => {
    writeFileSync(
      join(project, 'ttl.mjs'),
      `import { createHub, DEFAULT_TOKEN_TTL_SEC } from 'insight-hub';
const hub = await createHub({ port: 0, dataDir: './ttl-data', logLevel: 'warn', auth: { secret: '${SECRET}' } });
const claims = JSON.parse(Buffer.from((await hub.mintToken({ sub: 'a', role: 'viewer', rooms: ['x'] })).split('.')[1], 'base64url'));
console.log(JSON.stringify({ lifetime: claims.exp - claims.iat, DEFAULT_TOKEN_TTL_SEC }));
await hub.close();`,
    );
    const proc = start(['ttl.mjs']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect(JSON.parse(proc.output())).toEqual({ lifetime: 8 * 3600, DEFAULT_TOKEN_TTL_SEC: 8 * 3600 });
  }, 60_000);

  it('runs the backend example against a hub: it answers a refresh with rows, raised an alert over REST, and stops on SIGTERM', async () => {
    example('backend.mjs');
    const hub = start(['--input-type=module', '-e', servePageScript(join(project, 'no-web'))]);
    const [, url, editorToken, serviceToken] = await hub.line(/^ready (\S+) (\S+) (\S+) (\S+)$/m);
    const backend = start(['backend.mjs'], { HUB_URL: url!, SERVICE_TOKEN: serviceToken! });
    await backend.line(/backend ready/);

    const viewer = connect({ url: `${url!.replace('http', 'ws')}/ws`, getToken: () => editorToken!, WebSocket });
    try {
      const room = viewer.room('dashboard:42');
      let answered = false;
      const rows = new Promise((resolve) => room.on('query.rows', (data) => ((answered = true), resolve(data))));
      // A service connection has no presence, so nothing says when the backend's join is answered:
      // ask again each second until it answers (the deadline is the test's).
      while (!answered) {
        await room.publish('refresh', { widgets: ['w9'] });
        await Promise.race([rows, new Promise((resolve) => setTimeout(resolve, 1000))]);
      }
      expect(await rows).toEqual({ rows: [{ widget: 'w9', value: 42 }] });
    } finally {
      viewer.close();
    }
    backend.child.kill('SIGTERM');
    expect(await backend.exited, backend.output()).toBe(0);
    hub.child.kill('SIGTERM');
  }, 60_000);
});

describe('the CLI', () => {
  it('`npx insight-hub --help` answers from compiled JavaScript, with no TypeScript loader installed', async () => {
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    const { stdout } = await run('npx', ['--no-install', 'insight-hub', '--help'], { cwd: project });
    expect(stdout).toMatch(/Usage: insight-hub/);
    expect(stdout).toMatch(/serve/);
    expect(stdout).toMatch(/token/);
  }, 30_000);

  it('`insight-hub token` prints a token signed with the given secret', async () => {
    const { stdout } = await run(
      'npx',
      ['--no-install', 'insight-hub', 'token', '--sub', 'alice', '--room', 'dashboard:*'],
      {
        cwd: project,
        env: { ...process.env, INSIGHT_HUB_SECRET: SECRET },
      },
    );
    const claims = JSON.parse(Buffer.from(stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ sub: 'alice', rooms: ['dashboard:*'], role: 'viewer' });
  }, 30_000);
});

describe('a strict TypeScript consumer (module nodenext, no skipLibCheck)', () => {
  /** Writes `sources` and a tsconfig naming them (plus `files`), and type-checks that project. */
  const check = (config: string, sources: Record<string, string>, files: string[], types: string[]) => {
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(project, name), text);
    const compilerOptions = {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023', 'dom'],
      jsx: 'react-jsx',
      noEmit: true,
      skipLibCheck: false,
      types,
    };
    writeFileSync(
      join(project, config),
      JSON.stringify({ compilerOptions, files: [...Object.keys(sources), ...files] }),
    );
    return typecheck(project, config);
  };

  it('type-checks the server, the SDK, the protocol types and the React example', async () => {
    example('react');
    const result = await check(
      'tsconfig.json',
      { 'typed.ts': TYPED_CONSUMER },
      ['react/hub-hooks.tsx', 'react/Dashboard.tsx', 'react/main.tsx'],
      ['node'],
    );
    expect(result).toEqual({ code: 0, output: '' });
  }, 60_000);

  it('a browser-only consumer of insight-hub/client needs no Node types', async () => {
    expect(await check('tsconfig.browser.json', { 'browser-only.ts': BROWSER_CONSUMER }, [], [])).toEqual({
      code: 0,
      output: '',
    });
  }, 60_000);

  it('refuses wrong calls, each on its own line', async () => {
    const result = await check('tsconfig.wrong.json', { 'wrong.ts': WRONG_CONSUMER }, [], ['node']);
    expect(result.code).not.toBe(0);
    const lines = [...result.output.matchAll(/^wrong\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1]));
    const expected = WRONG_CONSUMER.split('\n').flatMap((text, i) => (text.includes('// wrong') ? [i + 1] : []));
    expect(new Set(lines)).toEqual(new Set(expected));
  }, 60_000);
});

describe('the React example bundled by Vite, in Chromium', () => {
  it('pulls nothing from Node into the bundle, connects with the native WebSocket and receives a message', async () => {
    example('react');
    const { build } = await import('vite');
    const react = (await import('@vitejs/plugin-react')).default;
    const outDir = join(project, 'web-dist');
    // The test runner sets NODE_ENV=test; users bundle for production.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const output = await build({
      configFile: false,
      root: join(project, 'react'),
      logLevel: 'warn',
      plugins: [react()],
      build: { outDir, emptyOutDir: true },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    });
    const chunks = (Array.isArray(output) ? output : [output])
      .flatMap((o) => ('output' in o ? o.output : []))
      .filter((o) => o.type === 'chunk');
    // Files only (virtual modules such as the bundler's runtime start with NUL), relative to the project.
    const modules = chunks
      .flatMap((c) => c.moduleIds)
      .filter((id) => id.startsWith('/'))
      .map((id) => relative(project, id));
    const sdk = modules.filter((m) => m.startsWith('node_modules/insight-hub/'));
    expect(sdk).toContain('node_modules/insight-hub/dist/client/client.js');
    expect(sdk.filter((m) => !/^node_modules\/insight-hub\/dist\/(client|protocol)\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /^node:|^node_modules\/(ws|jose|pino)\/|^\.\.\//.test(m))).toEqual([]);

    const hub = start(['--input-type=module', '-e', servePageScript(outDir)]);
    const [, url, editorToken, , browserToken] = await hub.line(/^ready (\S+) (\S+) (\S+) (\S+)$/m);
    const publisher = connect({ url: `${url!.replace('http', 'ws')}/ws`, getToken: () => editorToken!, WebSocket });
    try {
      const room = publisher.room('dashboard:42');
      const refreshed = new Promise((resolve) => room.on('refresh', resolve));
      const browserJoined = new Promise<void>((resolve) =>
        room.onPresence((members) => members.some((m) => m.sub === 'browser') && resolve()),
      );

      browser = await chromium.launch(CHROMIUM);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${url}/#token=${browserToken}`);
      await page.getByTestId('status').filter({ hasText: 'open' }).waitFor({ timeout: 20_000 });
      await browserJoined;
      await page.getByTestId('viewers').filter({ hasText: 'Browser' }).waitFor({ timeout: 20_000 });

      await room.publish('query.rows', { rows: [{ widget: 'w7', value: 7 }] });
      await page.getByTestId('rows').filter({ hasText: '"value":7' }).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Refresh' }).click();
      expect(await refreshed).toEqual({ widgets: ['w7'] });
      expect(errors).toEqual([]);
    } finally {
      publisher.close();
      hub.child.kill('SIGTERM');
    }
  }, 120_000);
});
