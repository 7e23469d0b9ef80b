/**
 * Child processes of a run: servers pinned to core 0, the load generator to core 1 (with
 * `taskset`, when the machine has it). Each speaks the request/reply protocol of ../ipc.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IpcReply } from '../ipc.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url));

export const HAS_TASKSET = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export interface SpawnOptions {
  /** Path under test/bench/, e.g. `servers/ws-broadcast.ts`. */
  script: string;
  cpu: number;
  settings?: unknown;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}

export class ChildHandle {
  private nextId = 1;
  private waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private exited: Promise<void>;
  private announced!: (ready: Record<string, unknown>) => void;
  /** What the child announced when it was ready (e.g. its port). */
  readonly ready: Promise<Record<string, unknown>>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.ready = new Promise((resolve) => (this.announced = resolve));
    child.on('message', (raw) => {
      const reply = raw as IpcReply;
      if (reply.id === 0) return this.announced(reply.result as Record<string, unknown>);
      const pending = this.waiting.get(reply.id);
      if (!pending) return;
      this.waiting.delete(reply.id);
      clearTimeout(pending.timer);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(`${name}: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const p of this.waiting.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`${name} exited (${signal ?? code})`));
      }
      this.waiting.clear();
    });
  }

  static async start(name: string, options: SpawnOptions): Promise<ChildHandle> {
    const node = [
      ...(options.nodeFlags ?? []),
      '--expose-gc',
      '--import',
      'tsx',
      BENCH_DIR + options.script,
      JSON.stringify(options.settings ?? {}),
    ];
    const [command, args] = HAS_TASKSET
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...node]]
      : [process.execPath, node];
    const child = spawn(command, args, { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const handle = new ChildHandle(name, child);
    let timer: NodeJS.Timeout | undefined;
    const failed = await Promise.race([
      handle.ready.then(() => null),
      handle.exited.then(() => `${name} exited before it was ready`),
      new Promise<string>(
        (resolve) =>
          (timer = setTimeout(() => resolve(`${name} was not ready in time`), options.readyTimeoutMs ?? 30_000)),
      ),
    ]);
    clearTimeout(timer);
    if (failed) {
      child.kill('SIGKILL');
      throw new Error(failed);
    }
    return handle;
  }

  async port(): Promise<number> {
    return Number((await this.ready).port);
  }

  call<T>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, cmd, args });
    });
  }

  /** Ask the child to exit (writing any profile), then make sure it is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call('exit', {}, graceMs).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
