/**
 * Test support: a real hub on a free port, tokens, and raw `ws` clients that record what they get.
 * The other helpers (JWTs, raw peers, HTTP, the CLI) live beside it and are re-exported here.
 */
import WebSocket from 'ws';
import { createHub, type HubContext, type HubExtension } from '../../hub/server/create-hub.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import { createLogger, type Logger } from '../../hub/server/logger.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import type { Hub, MintClaims } from '../../hub/server/types.js';
import type { ServerMessage } from '../../hub/protocol/index.js';
import { tempDir, TEST_SECRET } from './fixtures.js';
import { sleep, until } from './until.js';

export { TEST_SECRET, tempDir } from './fixtures.js';
export * from './jwt.js';
export * from './raw-peer.js';
export * from './http.js';
export * from './cli.js';

/** Start a hub on 127.0.0.1 and a free port with a known secret and a fresh data directory. */
export async function startHub(
  options: HubOptionsInput = {},
  extensions: HubExtension[] = hubExtensions(),
): Promise<Hub> {
  return createHub(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      logLevel: 'silent',
      ...options,
      auth: { secret: TEST_SECRET, ...options.auth },
    },
    extensions,
  );
}

export function token(hub: Hub, claims: Partial<MintClaims> & { sub: string }): Promise<string> {
  return hub.mintToken({ role: 'editor', rooms: ['*'], ttlSec: 3600, ...claims });
}

/** A raw protocol client that keeps every message it receives and can wait for one. */
export class TestClient {
  readonly received: ServerMessage[] = [];
  closed?: { code: number; reason: string };
  private waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  private closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];
  private nextId = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(msg);
      this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters) w(this.closed);
    });
    ws.on('error', () => {});
  }

  get welcome(): Extract<ServerMessage, { type: 'welcome' }> {
    return this.received.find((m) => m.type === 'welcome') as Extract<ServerMessage, { type: 'welcome' }>;
  }

  send(msg: object | string): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Send all of them in one TCP write, so the hub reads them in one chunk (one turn). */
  sendTogether(msgs: object[]): void {
    const socket = (this.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (const m of msgs) this.send(m);
    socket.uncork();
  }

  /** Send a message with a fresh id and wait for its ack or error. */
  async request(msg: Record<string, unknown>): Promise<ServerMessage & Record<string, unknown>> {
    const id = `r${++this.nextId}`;
    const answer = this.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
    this.send({ ...msg, id });
    return answer as Promise<ServerMessage & Record<string, unknown>>;
  }

  /** Deadlines here only bound a failure: generous, so a loaded machine does not fail a test. */
  waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a message; got ${JSON.stringify(this.received.slice(-3))}`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push((c) => (clearTimeout(timer), resolve(c)));
    });
  }

  /** Send `ping` and wait for its `pong`: the hub answers it after everything sent before it. */
  async pong(timeoutMs = 10_000): Promise<void> {
    const id = `ping${++this.nextId}`;
    const answer = this.waitFor((m) => m.type === 'pong' && m.id === id, timeoutMs);
    this.send({ type: 'ping', id });
    await answer;
  }

  messages(room?: string): Array<Extract<ServerMessage, { type: 'message' }>> {
    return this.received.filter((m) => m.type === 'message' && (!room || m.room === room)) as Array<
      Extract<ServerMessage, { type: 'message' }>
    >;
  }

  close(): void {
    this.ws.close();
  }
}

export interface ConnectOptions {
  /** How to present the token: header (default), subprotocol, or query (refused). */
  via?: 'header' | 'subprotocol';
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
  path?: string;
  /** Source address (127.0.0.2 …) to appear as another machine. */
  localAddress?: string;
}

/** Open a connection and wait for `welcome`. */
export async function connect(hub: Hub, tok: string, opts: ConnectOptions = {}): Promise<TestClient> {
  const ws = openSocket(hub, tok, opts);
  const client = new TestClient(ws);
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

export function openSocket(hub: Hub, tok: string | undefined, opts: ConnectOptions = {}): WebSocket {
  const via = opts.via ?? 'header';
  const protocols = opts.protocols ?? (via === 'subprotocol' && tok ? ['insight.v1', `bearer.${tok}`] : ['insight.v1']);
  const headers: Record<string, string> = { ...opts.headers };
  if (via === 'header' && tok) headers.authorization = `Bearer ${tok}`;
  return new WebSocket(hub.wsUrl.replace('/ws', opts.path ?? '/ws'), protocols, {
    headers,
    origin: opts.origin,
    localAddress: opts.localAddress,
  });
}

export interface Refused {
  status: number;
  body: { error: string; message: string };
  headers: Record<string, string | string[] | undefined>;
}

/** Attempt an upgrade that must be refused; resolves with the HTTP status and JSON body. */
export function expectRefused(hub: Hub, tok: string | undefined, opts: ConnectOptions = {}): Promise<Refused> {
  const ws = openSocket(hub, tok, opts);
  return new Promise((resolve, reject) => {
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
    });
  });
}

export { sleep, until };

/**
 * Start a hub and hand back its core too, captured through the public extension seam. Extensions
 * see the core only as an ExtensionHost; tests reach past that on purpose (heartbeat, limits), so
 * the core is handed back as the HubCore it is.
 */
export async function startHubWithCore(
  options: HubOptionsInput = {},
  extensions: HubExtension[] = hubExtensions(),
): Promise<{ hub: Hub; core: HubCore; ctx: HubContext }> {
  let ctx: HubContext | undefined;
  const hub = await startHub(options, [...extensions, (c) => void (ctx = c)]);
  return { hub, core: ctx!.core as HubCore, ctx: ctx! };
}

/** A logger injected into the hub that keeps every line it writes (to check what is logged). */
export function captureLogs(level = 'debug'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  return { logger: createLogger(level, destination), lines, text: () => lines.join('') };
}
