/**
 * A hub as a child process (`insight-hub serve`) with the e2e secret: the global setup's shared
 * hub, and a spec's own hub where it must stop one (which the shared hub must never do).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { E2E_SECRET } from './hub-env.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export interface HubProcess {
  url: string;
  /** SIGTERM (the hub drains), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** `history`: the store without Redis (the CLI's default is sqlite, which keeps the epoch across restarts). */
export async function startHubProcess(options: {
  dataDir: string;
  port?: number;
  config?: string;
  redis?: string;
  history?: 'memory' | 'sqlite';
}): Promise<HubProcess> {
  // The hub from its sources, as the other suites run it (bin/ runs the build; test/package checks that).
  const args = [
    '--import',
    'tsx',
    'hub/cli.ts',
    'serve',
    '--port',
    String(options.port ?? 0),
    '--host',
    '127.0.0.1',
    '--data-dir',
    options.dataDir,
    '--log-level',
    'warn',
  ];
  if (options.config) args.push('--config', options.config);
  if (options.redis) args.push('--redis', options.redis);
  if (options.history) args.push('--history', options.history);
  const child = spawn(process.execPath, args, {
    cwd: repo,
    env: { ...process.env, INSIGHT_HUB_SECRET: E2E_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
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
