/**
 * After 4005 the SDK stops until the ban ends, then connects again by itself (the contract's
 * "stop until the ban ends"), on fake timers and a fake browser-style WebSocket.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  connect,
  type ConnectionState,
  type InsightClient,
  type WebSocketConstructor,
} from '../../hub/client/index.js';

type Listener = (event: any) => void;

/** A browser-style socket (no `terminate`): the test plays the hub's side. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  readonly protocol = 'insight.v1';
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  removeEventListener(type: string, fn: Listener): void {
    this.listeners.set(
      type,
      (this.listeners.get(type) ?? []).filter((f) => f !== fn),
    );
  }

  send(): void {}

  close(code = 1000, reason = ''): void {
    this.hubCloses(code, reason);
  }

  emit(type: string, event: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }

  hubSends(msg: object): void {
    this.emit('message', { data: JSON.stringify(msg) });
  }

  hubCloses(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close', { code, reason });
  }

  welcome(): void {
    this.readyState = 1;
    this.emit('open', {});
    this.hubSends({
      type: 'welcome',
      clientId: `c${FakeSocket.all.length}`,
      user: { sub: 'eve', name: 'Eve', role: 'editor' },
      heartbeatMs: 25_000,
      limits: {},
      expiresAt: Date.now() + 3_600_000,
      server: { version: 'test' },
    });
  }
}

const MINUTE = 60_000;
let client: InsightClient | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  FakeSocket.all = [];
});
afterEach(() => {
  client?.close();
  client = undefined;
  vi.useRealTimers();
});

/** A client whose first connection is welcomed; jitter is 0 (baseMs 0), so delays are exact. */
async function connected(): Promise<{ states: ConnectionState[]; socket: FakeSocket }> {
  client = connect({
    url: 'ws://hub.test/ws',
    getToken: () => 'tok',
    WebSocket: FakeSocket as unknown as WebSocketConstructor,
    backoff: { baseMs: 0 },
  });
  client.onError(() => {});
  const states: ConnectionState[] = [];
  client.onState((s) => states.push(s));
  await vi.advanceTimersByTimeAsync(0);
  const socket = FakeSocket.all[0]!;
  socket.welcome();
  await vi.advanceTimersByTimeAsync(0);
  expect(client.state.status).toBe('open');
  return { states, socket };
}

function banned(socket: FakeSocket, until: number | undefined): void {
  if (until !== undefined) socket.hubSends({ type: 'notice', event: 'banned', reason: 'cool down', until });
  socket.hubCloses(4005, 'cool down');
}

describe('SDK after 4005', () => {
  it('shows until in the closed state and connects again once the ban is over (plus a margin)', async () => {
    const { socket } = await connected();
    const until = Date.now() + 5 * MINUTE;
    banned(socket, until);
    expect(client!.state).toEqual({ status: 'closed', code: 4005, reason: 'cool down', cause: 'banned', until });
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.welcome();
    await vi.advanceTimersByTimeAsync(0);
    expect(client!.state.status).toBe('open');
  });

  it('does not reconnect when the app closes the client during the ban', async () => {
    const { socket } = await connected();
    banned(socket, Date.now() + MINUTE);
    client!.close();
    expect(client!.state).toEqual({
      status: 'closed',
      code: 1000,
      reason: 'closed by the application',
      cause: 'client_closed',
    });
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('stops for good when no notice said until when', async () => {
    const { socket } = await connected();
    banned(socket, undefined);
    expect(client!.state).toEqual({ status: 'closed', code: 4005, reason: 'cool down', cause: 'banned' });
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('waits out a ban longer than one timer can (about 24.8 days)', async () => {
    const { socket } = await connected();
    const until = Date.now() + 40 * 24 * 60 * MINUTE;
    banned(socket, until);
    await vi.advanceTimersByTimeAsync(25 * 24 * 60 * MINUTE);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(until - Date.now() + 1000);
    expect(FakeSocket.all).toHaveLength(2);
  });
});
