/**
 * Main's hub supervisor keeps exactly one hub: a crash restarts it with growing delays (reset after
 * a long run), stop drains and then kills a hub that overstays, and pending token requests fail
 * when it dies.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { HubEndpoint, MainToHub } from '../../electron/hub-channel.js';
import {
  HubSupervisor,
  HubUnavailableError,
  backoffDelay,
  type HubChild,
  type HubStatus,
} from '../../electron/hub-supervisor.js';

/** A hub process stand-in: records what main sends, and says or does what a test tells it to. */
class FakeHub extends EventEmitter implements HubChild {
  sent: MainToHub[] = [];
  killed = false;
  postMessage(message: MainToHub): void {
    this.sent.push(message);
  }
  kill(): void {
    this.killed = true;
    this.emit('exit', null);
  }
  say(message: unknown): void {
    this.emit('message', message);
  }
  die(code: number | null): void {
    this.emit('exit', code);
  }
}

const endpoint: HubEndpoint = {
  url: 'http://127.0.0.1:7420',
  wsUrl: 'ws://127.0.0.1:7420/ws',
  host: '127.0.0.1',
  port: 7420,
  tls: false,
  fingerprint: null,
  joinUrl: 'http://127.0.0.1:7420/',
};

function harness(options: { now?: () => number; drainTimeoutMs?: number; killGraceMs?: number } = {}) {
  const children: FakeHub[] = [];
  const statuses: HubStatus[] = [];
  const waiters: Array<{ state: string; resolve: () => void }> = [];
  const supervisor = new HubSupervisor({
    fork: () => {
      const child = new FakeHub();
      children.push(child);
      return child;
    },
    onStatus: (s) => {
      statuses.push(s);
      for (const w of waiters.filter((w) => w.state === s.state)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    initialBackoffMs: 1,
    maxBackoffMs: 4,
    ...options,
  });
  const reach = (state: HubStatus['state']) => new Promise<void>((resolve) => waiters.push({ state, resolve }));
  return { supervisor, children, statuses, reach };
}

describe('hub supervisor', () => {
  it('backoff doubles from the first delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((n) => backoffDelay(n, 500, 30_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 30_000, 30_000,
    ]);
  });

  it('starts one hub and reports it running with its endpoint and connection count', () => {
    const { supervisor, children, statuses } = harness();
    supervisor.start();
    supervisor.start();
    expect(children).toHaveLength(1);
    children[0]!.say({ type: 'ready', ...endpoint });
    children[0]!.say({ type: 'stats', connections: 3 });
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running', 'running']);
    expect(supervisor.status).toEqual({ state: 'running', endpoint, connections: 3 });
  });

  it('ignores messages that do not match the channel', () => {
    const { supervisor, children } = harness();
    supervisor.start();
    children[0]!.say({ type: 'ready', url: 42 });
    children[0]!.say('ready');
    children[0]!.say({ type: 'stats', connections: -1 });
    expect(supervisor.status.state).toBe('starting');
  });

  it('restarts a crashed hub with growing delays, and says why', async () => {
    const { supervisor, children, statuses, reach } = harness();
    supervisor.start();
    children[0]!.say({ type: 'ready', ...endpoint });
    const restarted = reach('starting');
    children[0]!.die(1);
    await restarted;
    const crashes = statuses.filter((s) => s.state === 'restarting');
    expect(crashes[0]).toMatchObject({ exitCode: 1, restartInMs: 1, attempt: 1 });
    expect(children).toHaveLength(2);

    children[1]!.say({ type: 'failed', code: 'EADDRINUSE', message: 'port 7420 is in use' });
    const again = reach('starting');
    children[1]!.die(78);
    await again;
    expect(statuses.filter((s) => s.state === 'restarting')[1]).toMatchObject({
      reason: 'port 7420 is in use',
      restartInMs: 2,
      attempt: 2,
    });
    expect(children).toHaveLength(3);
  });

  it('starts the backoff over after a hub that ran long enough', async () => {
    let clock = 0;
    const { supervisor, children, statuses, reach } = harness({ now: () => clock });
    supervisor.start();
    children[0]!.die(1);
    await reach('starting');
    children[1]!.say({ type: 'ready', ...endpoint });
    clock += 60_000;
    children[1]!.die(1);
    await reach('starting');
    expect(
      statuses.filter((s) => s.state === 'restarting').map((s) => (s as { restartInMs: number }).restartInMs),
    ).toEqual([1, 1]);
  });

  it('stop asks the hub to drain and resolves when it has exited, without restarting it', async () => {
    const { supervisor, children } = harness({ drainTimeoutMs: 5_000 });
    supervisor.start();
    children[0]!.say({ type: 'ready', ...endpoint });
    const stopped = supervisor.stop();
    expect(supervisor.status.state).toBe('stopping');
    expect(children[0]!.sent).toEqual([{ type: 'drain', timeoutMs: 5_000 }]);
    children[0]!.say({ type: 'drained' });
    children[0]!.die(0);
    await stopped;
    expect(supervisor.status.state).toBe('stopped');
    expect(children).toHaveLength(1);
    expect(children[0]!.killed).toBe(false);
  });

  it('kills a hub that does not exit after the drain timeout', async () => {
    const { supervisor, children } = harness({ drainTimeoutMs: 0, killGraceMs: 0 });
    supervisor.start();
    await supervisor.stop();
    expect(children[0]!.killed).toBe(true);
    expect(supervisor.status.state).toBe('stopped');
  });

  it('stop during a restart delay cancels the restart', async () => {
    vi.useFakeTimers();
    try {
      const { supervisor, children, reach } = harness();
      supervisor.start();
      const crashed = reach('restarting');
      children[0]!.die(1);
      await crashed;
      await supervisor.stop();
      // Every timer left runs now: a restart that stop did not cancel would fork here.
      await vi.runAllTimersAsync();
      expect(children).toHaveLength(1);
      expect(supervisor.status.state).toBe('stopped');
    } finally {
      vi.useRealTimers();
    }
  });

  it('restart drains the running hub and starts a new one', async () => {
    const { supervisor, children } = harness();
    supervisor.start();
    children[0]!.say({ type: 'ready', ...endpoint });
    const restarting = supervisor.restart();
    children[0]!.die(0);
    await restarting;
    expect(children).toHaveLength(2);
    expect(supervisor.status.state).toBe('starting');
  });

  it('mints admin tokens through the hub and matches answers to requests', async () => {
    const { supervisor, children } = harness();
    supervisor.start();
    await expect(supervisor.mintAdminToken()).rejects.toBeInstanceOf(HubUnavailableError);
    children[0]!.say({ type: 'ready', ...endpoint });
    const first = supervisor.mintAdminToken();
    const second = supervisor.mintAdminToken();
    const [a, b] = children[0]!.sent as Array<{ type: 'mint-admin-token'; requestId: number }>;
    expect(a!.requestId).not.toBe(b!.requestId);
    children[0]!.say({ type: 'admin-token-failed', requestId: b!.requestId, message: 'no secret' });
    children[0]!.say({ type: 'admin-token', requestId: a!.requestId, token: 'tok-a', expiresAt: 100 });
    await expect(first).resolves.toEqual({ token: 'tok-a', expiresAt: 100 });
    await expect(second).rejects.toThrow('no secret');
  });

  it('fails pending token requests when the hub dies', async () => {
    const { supervisor, children } = harness();
    supervisor.start();
    children[0]!.say({ type: 'ready', ...endpoint });
    const pending = supervisor.mintAdminToken();
    children[0]!.die(1);
    await expect(pending).rejects.toThrow('the hub stopped');
    await supervisor.stop();
  });
});
