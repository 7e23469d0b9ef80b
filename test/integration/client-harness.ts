/**
 * What the SDK's integration tests share on top of test/support: a hub whose core the test can
 * reach (to make the hub itself close or kill a connection), and SDK clients whose underlying
 * `ws` sockets the test can cut.
 */
import WebSocket from 'ws';
import type { HubCore } from '../../hub/core/hub-core.js';
import type { HubContext } from '../../hub/server/create-hub.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import type { Hub } from '../../hub/server/types.js';
import { connect } from '../../hub/client/index.js';
import type { ConnectOptions, ConnectionState, InsightClient, WebSocketConstructor } from '../../hub/client/index.js';
import { startHub, token, until } from '../support/hub.js';

export interface ObservedHub {
  hub: Hub;
  core: HubCore;
  ctx: HubContext;
}

/** A real hub plus its core, captured through the public extension seam. */
export async function startObservedHub(options: HubOptionsInput = {}): Promise<ObservedHub> {
  let ctx: HubContext | undefined;
  const hub = await startHub(options, [...hubExtensions(), (c) => void (ctx = c)]);
  return { hub, core: ctx!.core, ctx: ctx! };
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
