/**
 * What the SDK's integration tests share on top of test/support: a hub whose core the test can
 * reach (to make the hub itself close or kill a connection), and SDK clients whose underlying
 * `ws` sockets the test can cut.
 */
import { expect, vi } from 'vitest';
import WebSocket from 'ws';
import type { HubCore } from '../../hub/core/hub-core.js';
import type { HubContext } from '../../hub/server/create-hub.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import type { Hub } from '../../hub/server/types.js';
import { connect } from '../../hub/client/index.js';
import type { ConnectOptions, ConnectionState, InsightClient, WebSocketConstructor } from '../../hub/client/index.js';
import { startHub, token, until } from './hub.js';

export interface ObservedHub {
  hub: Hub;
  core: HubCore;
  ctx: HubContext;
}

/** A real hub plus its core, captured through the public extension seam (as the HubCore it is: tests reach past the seam). */
export async function startObservedHub(options: HubOptionsInput = {}): Promise<ObservedHub> {
  let ctx: HubContext | undefined;
  const hub = await startHub(options, [...hubExtensions(), (c) => void (ctx = c)]);
  return { hub, core: ctx!.core as HubCore, ctx: ctx! };
}

/** The hub-side session of an SDK client (by the clientId of its current welcome). */
export function sessionOf(core: HubCore, client: InsightClient) {
  const id = client.session?.clientId;
  const session = id ? core.sessions.get(id) : undefined;
  if (!session) throw new Error(`no hub session for client ${id}`);
  return session;
}

/** `ws` with every instance remembered, so a test can cut a client's connection from its side. */
export function trackedWebSocket(): { WebSocket: WebSocketConstructor; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  return { WebSocket: TrackedWebSocket as unknown as WebSocketConstructor, sockets };
}

export interface SdkClient {
  client: InsightClient;
  sockets: WebSocket[];
  /** Every state the client went through, in order. */
  states: ConnectionState[];
  /** The socket of the current connection. */
  current(): WebSocket;
}

/** An SDK client in Node with `ws`, a fresh token per connection unless getToken is given. */
export function sdkClient(
  hub: Hub,
  sub: string,
  options: Partial<ConnectOptions> & { rooms?: string[]; role?: 'viewer' | 'editor' | 'admin' | 'service' } = {},
): SdkClient {
  const { rooms, role, ...rest } = options;
  const tracked = trackedWebSocket();
  const client = connect({
    url: hub.wsUrl,
    getToken: () => token(hub, { sub, rooms: rooms ?? ['*'], role: role ?? 'editor' }),
    WebSocket: tracked.WebSocket,
    ...rest,
  });
  const states: ConnectionState[] = [];
  client.onState((s) => states.push(s));
  return {
    client,
    sockets: tracked.sockets,
    states,
    current: () => tracked.sockets[tracked.sockets.length - 1]!,
  };
}

export function untilOpen(client: InsightClient, what = 'the client to be open', timeoutMs = 10_000): Promise<void> {
  return until(() => client.state.status === 'open', timeoutMs, what);
}

export function untilClosed(
  client: InsightClient,
  timeoutMs = 10_000,
): Promise<Extract<ConnectionState, { status: 'closed' }>> {
  return until(() => client.state.status === 'closed', timeoutMs, 'the client to stop').then(
    () => client.state as Extract<ConnectionState, { status: 'closed' }>,
  );
}

type Closed = Extract<ConnectionState, { status: 'closed' }>;
/** Captured before any test fakes the clock: the deadline of a wait must stay real. */
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

/** The client's first state that decides what comes next: `closed`, or a scheduled `reconnecting`. */
export function settledState(client: InsightClient, timeoutMs = 10_000): Promise<ConnectionState> {
  const decided = (s: ConnectionState): boolean => s.status === 'closed' || s.status === 'reconnecting';
  if (decided(client.state)) return Promise.resolve(client.state);
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => reject(new Error(`the client did not stop within ${timeoutMs} ms`)), timeoutMs);
    const off = client.onState((s) => {
      if (!decided(s)) return;
      realClearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

/**
 * A reconnect is the SDK's own timer (a backoff below `capMs`) and begins with a state change, so
 * "it never reconnects" is shown on a fake clock: setTimeout is faked from before `act` (the hub
 * shares the process but closes connections without it: its heartbeat and expiry checks are
 * intervals), and once the client has stopped, every timer due within ten backoff ceilings is run.
 * No state may follow `closed`, and no second socket is opened.
 */
export async function expectNoReconnect(
  capMs: number,
  act: () => SdkClient | Promise<SdkClient>,
): Promise<{ c: SdkClient; closed: Closed }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const c = await act();
    const state = await settledState(c.client);
    expect(state.status).toBe('closed');
    const seen = c.states.length;
    await vi.advanceTimersByTimeAsync(10 * capMs);
    expect(c.states.slice(seen)).toEqual([]);
    expect(c.sockets.length).toBe(1);
    return { c, closed: state as Closed };
  } finally {
    vi.useRealTimers();
  }
}
