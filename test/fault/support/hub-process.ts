/**
 * A hub process the fault suite can SIGKILL, SIGSTOP/SIGCONT and start again on the same port
 * and data directory, so SDK clients find it where it was.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HubOptionsInput } from '../../../hub/server/options.js';
import { tempDir } from '../../support/hub.js';
import { freePort } from '../../support/redis-server.js';

const HUB_SCRIPT = fileURLToPath(new URL('./hub-node.ts', import.meta.url));

export interface HubProcess {
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number | undefined;
  /** SIGKILL (a crash) or SIGTERM (a drain); resolves once the process is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Start it again on the same port and data directory. */
  start(): Promise<void>;
  pause(): void;
  resume(): void;
}

export async function startHubProcess(settings: HubOptionsInput = {}): Promise<HubProcess> {
  const port = settings.port ?? (await freePort());
  const options = { dataDir: tempDir('insight-hub-fault-'), ...settings, port };
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    // The port may linger a moment after a kill: try again until it is ours.
    for (let attempt = 0; ; attempt++) {
      const next = spawn(process.execPath, ['--import', 'tsx', HUB_SCRIPT, JSON.stringify(options)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise<void>((resolve, reject) => {
          let out = '';
          next.stdout!.on('data', (chunk: Buffer) => {
            if (process.env.HUB_LOG_LEVEL) process.stderr.write(chunk);
            out += chunk.toString();
            if (out.split('\n').some((l) => l.startsWith('{"port"'))) resolve();
          });
          next.once('exit', (code, signal) => reject(new Error(`hub exited before listening (${code ?? signal})`)));
        });
        child = next;
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  await launch();

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    get pid() {
      return child?.pid;
    },
    async stop(signal = 'SIGKILL') {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      if (proc.pid !== undefined) process.kill(proc.pid, 'SIGCONT');
      proc.kill(signal);
      await gone;
    },
    start: launch,
    pause() {
      if (child?.pid !== undefined) process.kill(child.pid, 'SIGSTOP');
    },
    resume() {
      if (child?.pid !== undefined) process.kill(child.pid, 'SIGCONT');
    },
  };
}
