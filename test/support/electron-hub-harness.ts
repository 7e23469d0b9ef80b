/**
 * Runs the desktop hub process the way Electron main does, as a real child process: forked from
 * its TypeScript entry (or a built bundle), driven by the real HubSupervisor.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MainToHub } from '../../electron/hub-channel.js';
import { HubSupervisor, type HubChild, type HubStatus, type SupervisorOptions } from '../../electron/hub-supervisor.js';
import { saveSettings, DEFAULT_SETTINGS, type DesktopSettings } from '../../electron/settings.js';

export const HUB_ENTRY_SOURCE = fileURLToPath(new URL('../../electron/hub-process.ts', import.meta.url));

export function userDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'insight-desktop-'));
}

export async function writeSettings(dir: string, patch: Partial<DesktopSettings>): Promise<DesktopSettings> {
  return saveSettings(dir, { ...DEFAULT_SETTINGS, port: 0, ...patch });
}

/** A Node child process with the shape main expects of Electron's UtilityProcess. */
export function nodeHubChild(child: ChildProcess): HubChild & { child: ChildProcess } {
  return {
    child,
    postMessage: (message: MainToHub) => {
      if (child.connected) child.send(message);
    },
    kill: () => child.kill('SIGKILL'),
    on: (event: 'message' | 'exit', listener: (value: never) => void) => {
      if (event === 'message') child.on('message', listener as (m: unknown) => void);
      else child.on('exit', (code) => (listener as (c: number | null) => void)(code));
    },
  };
}

export interface SupervisedHub {
  supervisor: HubSupervisor;
  statuses: HubStatus[];
  children: ChildProcess[];
  /** Resolves with the next status in `state` (or the current one when it already is). */
  next(state: HubStatus['state'], timeoutMs?: number): Promise<HubStatus>;
}

export function superviseHub(
  dataDir: string,
  options: Partial<SupervisorOptions> & { entry?: string; execArgv?: string[]; webRoot?: string } = {},
): SupervisedHub {
  const statuses: HubStatus[] = [];
  const children: ChildProcess[] = [];
  const waiters: Array<{ state: string; resolve: (s: HubStatus) => void }> = [];
  const entry = options.entry ?? HUB_ENTRY_SOURCE;
  const supervisor = new HubSupervisor({
    initialBackoffMs: 50,
    drainTimeoutMs: 5_000,
    ...options,
    fork: () => {
      const webRoot = options.webRoot ? ['--web-root', options.webRoot] : [];
      const child = fork(entry, ['--user-data', dataDir, '--log-level', 'warn', ...webRoot], {
        execArgv: options.execArgv ?? (entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return nodeHubChild(child);
    },
    onStatus: (status) => {
      statuses.push(status);
      for (const w of [...waiters]) {
        if (w.state !== status.state) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(status);
      }
    },
  });
  const next = (state: HubStatus['state'], timeoutMs = 20_000): Promise<HubStatus> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`hub never reached "${state}"; statuses: ${JSON.stringify(statuses.map((s) => s.state))}`)),
        timeoutMs,
      );
      waiters.push({ state, resolve: (s) => (clearTimeout(timer), resolve(s)) });
    });
  return { supervisor, statuses, children, next };
}

export function runningEndpoint(status: HubStatus) {
  if (status.state !== 'running') throw new Error(`hub is ${status.state}`);
  return status.endpoint;
}
