/**
 * `npm start` where the Electron runtime cannot be had (as on this machine): one clear paragraph,
 * then the headless hub with a console link carrying an admin token; Ctrl-C/SIGTERM drains it.
 * The failed fetch is remembered: the next start says so and does not claim to be fetching.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from '../support/hub.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let start: ChildProcess | undefined;
afterAll(() => {
  if (start && start.exitCode === null) start.kill('SIGKILL');
});

/** `npm start` in headless fallback; resolves with the console link once it is printed. */
async function npmStart(dataDir: string): Promise<{ link: string; stderr: () => string }> {
  start = spawn(
    process.execPath,
    [join(repo, 'build/start.mjs'), '--no-build', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    {
      cwd: repo,
      env: {
        ...process.env,
        // No runtime anywhere, and a mirror that refuses at once: the download fails fast and for sure.
        ELECTRON_OVERRIDE_DIST_PATH: join(dataDir, 'no-electron-here'),
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        INSIGHT_HUB_CACHE_DIR: join(dataDir, 'cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  start.stdout!.on('data', (c: Buffer) => (stdout += c));
  start.stderr!.on('data', (c: Buffer) => (stderr += c));
  const link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no console link; stderr: ${stderr}`)), 30_000);
    start!.stdout!.on('data', () => {
      const match = /Console: (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    start!.on('exit', () => reject(new Error(`start exited early; stderr: ${stderr}`)));
  });
  return { link, stderr: () => stderr };
}

async function stop(output: () => string): Promise<void> {
  const exited = new Promise<number | null>((resolve) => start!.on('exit', (code) => resolve(code)));
  start!.kill('SIGTERM');
  expect(await exited, output()).toBe(0);
}

describe('npm start without the Electron runtime', () => {
  it('explains, runs the headless hub with an admin console link, and drains on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'insight-start-'));
    const { link, stderr: output } = await npmStart(dataDir);
    const stderr = output();
    expect(stderr).toContain('Fetching the Electron runtime from http://127.0.0.1:9/');
    expect(stderr).toContain(
      'cannot open its desktop window here: the Electron runtime is not installed and could not be fetched',
    );
    expect(stderr).toContain('ELECTRON_MIRROR');
    const paragraph = stderr.split('\n').filter((l) => l.includes('cannot open its desktop window'));
    expect(paragraph).toHaveLength(1);

    const url = new URL(link);
    const token = new URLSearchParams(url.hash.slice(1)).get('token');
    expect(url.hostname).toBe('127.0.0.1');
    expect(token).toMatch(/^eyJ/);
    expect((await fetch(`${url.origin}/`)).status).toBe(200);

    const client = new TestClient(
      new WebSocket(`ws://${url.host}/ws`, ['insight.v1', `bearer.${token}`], { origin: url.origin }),
    );
    await client.waitFor((m) => m.type === 'welcome');
    expect(client.welcome.user.role).toBe('admin');

    const exited = new Promise<number | null>((resolve) => start!.on('exit', (code) => resolve(code)));
    start!.kill('SIGTERM');
    expect((await client.waitForClose(15_000)).code).toBe(1001);
    expect(client.received.some((m) => m.type === 'notice' && m.event === 'shutdown')).toBe(true);
    expect(await exited).toBe(0);

    // The next start remembers the failed fetch: no "Fetching", and how to try again.
    const again = await npmStart(dataDir);
    expect(again.stderr()).not.toContain('Fetching the Electron runtime');
    expect(again.stderr()).toContain('npm start -- --fetch-electron');
    expect(again.stderr()).toContain('cannot open its desktop window here');
    await stop(again.stderr);
  }, 90_000);
});
