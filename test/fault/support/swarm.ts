/** The test's side of swarm-node.ts: start it, read its events, wait for what it reports, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BackoffOptions } from '../../../hub/client/index.js';

const SWARM_SCRIPT = fileURLToPath(new URL('./swarm-node.ts', import.meta.url));

export interface SwarmSettings {
  urls: string[];
  clients: Array<{ sub: string; rooms: string[] }>;
  pingIntervalMs?: number;
  ackTimeoutMs?: number;
  backoff?: BackoffOptions;
  historyLimit?: number;
}

export interface SwarmEvent {
  t: string;
  c?: number;
  room?: string;
  [field: string]: unknown;
}

export interface ClientReport {
  state: string;
  rooms: Record<string, string>;
  outstanding: { requests: number; queued: number; publishes: number };
}

export class Swarm {
  readonly events: SwarmEvent[] = [];
  exit: { code: number | null; signal: string | null } | undefined;
  stderr = '';
  private waiters: Array<() => void> = [];

  private constructor(
    readonly child: ChildProcess,
    readonly settings: SwarmSettings,
    /** Called with every event as it arrives (the checker's recorder). */
    onEvent?: (event: SwarmEvent) => void,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const event = JSON.parse(line) as SwarmEvent;
      this.events.push(event);
      onEvent?.(event);
      this.wake();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      this.wake();
    });
  }

  static async start(settings: SwarmSettings, onEvent?: (event: SwarmEvent) => void): Promise<Swarm> {
    const child = spawn(process.execPath, ['--import', 'tsx', SWARM_SCRIPT, JSON.stringify(settings)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const swarm = new Swarm(child, settings, onEvent);
    await swarm.waitFor(() => swarm.events.some((e) => e.t === 'started'), 30_000, 'the swarm to start');
    return swarm;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Waits until `check` holds (re-checked on every event and every 200 ms); fails if the process dies. */
  async waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.exit)
        throw new Error(
          `the swarm exited (${this.exit.code ?? this.exit.signal}) waiting for ${what}: ${this.stderr.slice(-2000)}`,
        );
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** The swarm's current view of its clients. */
  async report(timeoutMs = 10_000): Promise<ClientReport[]> {
    const before = this.events.length;
    this.child.stdin!.write(`${JSON.stringify({ cmd: 'report' })}\n`);
    await this.waitFor(() => this.events.slice(before).some((e) => e.t === 'report'), timeoutMs, 'a report');
    return this.events.slice(before).find((e) => e.t === 'report')!.clients as ClientReport[];
  }

  /** Every client open and every room joined. */
  async allJoined(timeoutMs: number): Promise<ClientReport[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await this.report();
      if (report.every((c) => c.state === 'open' && Object.values(c.rooms).every((s) => s === 'joined'))) return report;
      if (Date.now() > deadline)
        throw new Error(
          `not every room joined: ${JSON.stringify(report.filter((c) => c.state !== 'open' || Object.values(c.rooms).some((s) => s !== 'joined')).slice(0, 3))}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  pause(): void {
    if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGCONT');
  }

  /** Closes every client, then ends the process. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.resume();
    const before = this.events.length;
    this.child.stdin!.write(`${JSON.stringify({ cmd: 'close' })}\n`);
    await this.waitFor(
      () => this.events.slice(before).some((e) => e.t === 'closed'),
      10_000,
      'the clients to close',
    ).catch(() => undefined);
    const gone = new Promise<void>((resolve) => (this.exit ? resolve() : this.child.once('exit', () => resolve())));
    this.child.kill('SIGTERM');
    await gone;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
