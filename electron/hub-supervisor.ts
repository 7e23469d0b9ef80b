/**
 * Keeps the hub process alive for Electron main: starts it, restarts it with exponential backoff
 * when it dies, asks it to drain on stop, and relays what it reports. It is given a `fork`
 * function, so the same logic drives an Electron utility process in the app and a plain Node
 * child process in tests.
 */
import { isHubToMain, type HubEndpoint, type HubToMain, type MainToHub } from './hub-channel.js';

/** What main needs of a child process; Electron's UtilityProcess has this shape. */
export interface HubChild {
  postMessage(message: MainToHub): void;
  kill(): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
}

export type HubStatus =
  | { state: 'starting'; attempt: number }
  | { state: 'running'; endpoint: HubEndpoint; connections: number }
  | { state: 'restarting'; reason: string; exitCode: number | null; restartInMs: number; attempt: number }
  | { state: 'stopping' }
  | { state: 'stopped' };

export interface SupervisorOptions {
  fork: () => HubChild;
  onStatus?: (status: HubStatus) => void;
  /** First restart delay; doubles per consecutive crash up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A hub that ran this long before dying starts the backoff over. */
  stableAfterMs?: number;
  /** Time the hub gets to drain, and the extra wait for it to exit before it is killed. */
  drainTimeoutMs?: number;
  killGraceMs?: number;
  /** How long a token request may wait for the hub. */
  requestTimeoutMs?: number;
  now?: () => number;
}

export interface AdminToken {
  token: string;
  expiresAt: number;
}

interface PendingToken {
  resolve: (token: AdminToken) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class HubUnavailableError extends Error {
  readonly code = 'hub_unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'HubUnavailableError';
  }
}

/** Delay before restart number `attempt` (0-based). */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

export class HubSupervisor {
  #status: HubStatus = { state: 'stopped' };
  #child: HubChild | undefined;
  #childExited: Promise<void> = Promise.resolve();
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #readyAt: number | undefined;
  #failure: string | undefined;
  #stopping = false;
  #nextRequestId = 1;
  readonly #pending = new Map<number, PendingToken>();
  readonly #o: Required<Omit<SupervisorOptions, 'onStatus'>> & Pick<SupervisorOptions, 'onStatus'>;

  constructor(options: SupervisorOptions) {
    this.#o = {
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
      stableAfterMs: 60_000,
      drainTimeoutMs: 10_000,
      killGraceMs: 2_000,
      requestTimeoutMs: 10_000,
      now: Date.now,
      ...options,
    };
  }

  get status(): HubStatus {
    return this.#status;
  }

  /** Start the hub if it is not running or about to be. */
  start(): void {
    this.#stopping = false;
    if (this.#child || this.#restartTimer) return;
    this.#spawn();
  }

  /** Drain and stop the hub; resolves once the process is gone. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
    }
    const child = this.#child;
    if (!child) {
      this.#setStatus({ state: 'stopped' });
      return;
    }
    this.#setStatus({ state: 'stopping' });
    const exited = this.#childExited;
    child.postMessage({ type: 'drain', timeoutMs: this.#o.drainTimeoutMs });
    // The hub enforces the drain timeout itself; this is the backstop for a hung process.
    const killTimer = setTimeout(() => child.kill(), this.#o.drainTimeoutMs + this.#o.killGraceMs);
    await exited;
    clearTimeout(killTimer);
  }

  /** Stop (draining clients) and start again with the current settings. */
  async restart(): Promise<void> {
    await this.stop();
    this.#attempt = 0;
    this.start();
  }

  /** Pass a notice to the running hub (sleep and wake); dropped when no hub runs. */
  notify(message: Extract<MainToHub, { type: 'suspend' | 'resume' }>): void {
    if (this.#status.state === 'running') this.#child?.postMessage(message);
  }

  /** A fresh admin token minted by the hub with its signing secret. */
  mintAdminToken(): Promise<AdminToken> {
    const child = this.#child;
    if (!child || this.#status.state !== 'running') {
      return Promise.reject(new HubUnavailableError(`the hub is ${this.#status.state}`));
    }
    const requestId = this.#nextRequestId++;
    return new Promise<AdminToken>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new HubUnavailableError('the hub did not answer the token request'));
      }, this.#o.requestTimeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer });
      child.postMessage({ type: 'mint-admin-token', requestId });
    });
  }

  #spawn(): void {
    this.#readyAt = undefined;
    this.#failure = undefined;
    this.#setStatus({ state: 'starting', attempt: this.#attempt });
    const child = this.#o.fork();
    this.#child = child;
    this.#childExited = new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        this.#onExit(child, code);
        resolve();
      });
    });
    child.on('message', (message) => {
      if (this.#child === child && isHubToMain(message)) this.#onMessage(message);
    });
  }

  #onMessage(message: HubToMain): void {
    switch (message.type) {
      case 'ready': {
        const { type: _type, ...endpoint } = message;
        this.#readyAt = this.#o.now();
        if (!this.#stopping) this.#setStatus({ state: 'running', endpoint, connections: 0 });
        return;
      }
      case 'stats':
        if (this.#status.state === 'running') this.#setStatus({ ...this.#status, connections: message.connections });
        return;
      case 'admin-token':
      case 'admin-token-failed': {
        const pending = this.#pending.get(message.requestId);
        if (!pending) return;
        this.#pending.delete(message.requestId);
        clearTimeout(pending.timer);
        if (message.type === 'admin-token') pending.resolve({ token: message.token, expiresAt: message.expiresAt });
        else pending.reject(new HubUnavailableError(message.message));
        return;
      }
      case 'failed':
        this.#failure = message.message;
        return;
      case 'draining':
      case 'drained':
        return;
    }
  }

  #onExit(child: HubChild, code: number | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new HubUnavailableError('the hub stopped'));
      this.#pending.delete(id);
    }
    if (this.#stopping) {
      this.#setStatus({ state: 'stopped' });
      return;
    }
    const ranLongEnough = this.#readyAt !== undefined && this.#o.now() - this.#readyAt >= this.#o.stableAfterMs;
    if (ranLongEnough) this.#attempt = 0;
    const restartInMs = backoffDelay(this.#attempt, this.#o.initialBackoffMs, this.#o.maxBackoffMs);
    this.#attempt += 1;
    const reason = this.#failure ?? `the hub process exited unexpectedly (code ${code ?? 'none'})`;
    this.#setStatus({ state: 'restarting', reason, exitCode: code, restartInMs, attempt: this.#attempt });
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#stopping) this.#spawn();
    }, restartInMs);
  }

  #setStatus(status: HubStatus): void {
    this.#status = status;
    this.#o.onStatus?.(status);
  }
}
