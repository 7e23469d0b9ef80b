/**
 * Builds the web client and starts a real hub (`insight-hub serve`) as a child process on a free
 * port with a known secret, so the specs can mint tokens. The returned function stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { E2E_ENV, E2E_SECRET } from './support/hub-env.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export default async function globalSetup(): Promise<() => Promise<void>> {
  await build({ configFile: join(repo, 'build/vite.renderer.config.ts'), logLevel: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'insight-hub-e2e-'));
  const config = join(dataDir, 'hub.json');
  // 2,000 simulated clients share one address and a handful of users.
  writeFileSync(config, JSON.stringify({ limits: { maxConnectionsPerIp: 10_000, maxConnectionsPerUser: 5_000, maxConnections: 20_000 } }));
  // The hub from its sources, as the other suites run it (bin/ runs the build; test/package checks that).
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--config', config, '--log-level', 'warn'], {
    cwd: repo,
    env: { ...process.env, INSIGHT_HUB_SECRET: E2E_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  process.env[E2E_ENV.url] = url;
  process.env[E2E_ENV.dataDir] = dataDir;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}

/** Reads the hub's "listening on http://…" line; fails with its output if it exits first. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`hub did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening:\n${output}`));
    });
  });
}
