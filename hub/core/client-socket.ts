/**
 * A connection's first moments in the core: its client id, where its socket's events go (the
 * hub's WebSocket class, so a connection costs no closures or listeners) and its `welcome`.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import WebSocket, * as ws from 'ws';
import type { WelcomeMessage } from '../protocol/index.js';
import type { CoreOptions } from './core-types.js';
import type { Session, SessionIdentity } from './session.js';
import { dropIfUnanswered } from './close-answer.js';

const ID_BYTES = 9;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** 72 random bits, drawn from a pool refilled every ~450 ids: one CSPRNG call per id costs more. */
export function newClientId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 455);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

/**
 * The hub's WebSocket class (the WebSocketServer's `WebSocket` option): its events go to its
 * session's host from the shared prototype, not through listeners. ws keeps a socket's listeners
 * in a dictionary that four entries grow from 160 to 256 bytes, on every connection; this costs
 * one field. Listeners anyone else adds still run, after the session's handling.
 */
export class HubWebSocket extends WebSocket {
  session: Session | undefined = undefined;

  override close(code?: number, data?: string | Buffer): void {
    const session = this.session;
    if (session && this.readyState === WebSocket.OPEN) {
      endSocketOnce(session.socket);
      if (!(this as unknown as WsInternals)._closeFrameReceived) {
        // The hub spoke first: its code is how the connection ended, answered or not.
        hubCloses.set(this, { code: code ?? NO_STATUS, reason: data === undefined ? '' : String(data) });
        // ws itself closing for a protocol error (1002/1007/1009): the hub's own closes set their own.
        if (session.isOpen) dropIfUnanswered(this);
      }
    }
    super.close(code, data);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const session = this.session;
    if (session === undefined) return super.emit(event, ...args);
    switch (event) {
      case 'message':
        session.host.onFrame(session, args[0] as Buffer, args[1] as boolean);
        session.pauseReadingIfBacklogged();
        break;
      case 'pong':
        session.host.onPong(session);
        break;
      case 'close': {
        const sent = hubCloses.get(this);
        if (sent) session.host.onClosed(session, sent.code, sent.reason);
        else session.host.onClosed(session, args[0] as number, (args[1] as Buffer).toString());
        break;
      }
      case 'error':
        // ws reports protocol violations (1002/1007/1009) here and then closes; 'close' cleans up.
        break;
      default:
        return super.emit(event, ...args);
    }
    if (this.listenerCount(event) > 0) super.emit(event, ...args);
    return true;
  }
}

/**
 * ws ends a connection's frame receiver up to three times as it closes (on the close frame, on the
 * socket's end, on its close), and its socket twice (after the close frame, and again on the peer's
 * FIN). Node answers each `end()` of a finished stream by building an ERR_STREAM_ALREADY_FINISHED,
 * stack trace and all, that nobody asked for: about 35 µs of a profiled handshake for the receiver
 * alone. Such a repeat without arguments is skipped, which is everything it does; any other call
 * goes to Node's own `end()`.
 */
function skippingRepeatedEnd(own: Writable): Writable['end'] {
  return function (this: Writable, ...args: unknown[]): Writable {
    if (args.length === 0 && !this.writableCorked && (this.writableFinished || this.destroyed)) return this;
    return own.end.apply(this, args as Parameters<Writable['end']>);
  } as Writable['end'];
}

// ws's types leave its Receiver class out; the module exports it.
(ws as unknown as { Receiver: { prototype: Writable } }).Receiver.prototype.end = skippingRepeatedEnd(
  Writable.prototype,
);

const endClosingSocket = skippingRepeatedEnd(Socket.prototype) as Socket['end'];

/** Set on a closing connection's socket only, so an open one's carries nothing extra. */
export function endSocketOnce(socket: Duplex): void {
  if (socket instanceof Socket) socket.end = endClosingSocket;
}

interface WsInternals {
  _closeFrameReceived: boolean;
}

/** 1005: a close frame without a status. */
const NO_STATUS = 1005;

/** The close frames the hub sent first, only for connections closing (nothing on open ones). */
const hubCloses = new WeakMap<HubWebSocket, { code: number; reason: string }>();

/** The socket's events go to its session's host from now on. */
export function bindSocket(ws: HubWebSocket, session: Session): void {
  ws.session = session;
}

export function welcomeFor(clientId: string, identity: SessionIdentity, options: CoreOptions): WelcomeMessage {
  const { limits } = options;
  return {
    type: 'welcome',
    clientId,
    user: identity.user,
    heartbeatMs: options.heartbeatMs,
    limits: {
      maxFrameBytes: limits.maxFrameBytes,
      maxRoomsPerConnection: limits.maxRoomsPerConnection,
      maxPresenceBytes: limits.maxPresenceBytes,
      messagesPerSecond: limits.messagesPerSecond,
      burst: limits.burst,
      maxQueuedBytes: limits.maxQueuedBytes,
    },
    expiresAt: identity.expiresAt,
    server: { version: options.version },
  };
}

/**
 * The welcome as JSON: what every connection of a hub is told alike (heartbeat, limits, version)
 * is serialized once per hub, only the client id, the user and the expiry per connection. The
 * same text as `JSON.stringify(welcomeFor(…))` (a test holds them equal).
 */
export function welcomeJson(clientId: string, identity: SessionIdentity, options: CoreOptions): string {
  let shared = welcomeShared.get(options);
  if (!shared) {
    const { heartbeatMs, limits, server } = welcomeFor('', identity, options);
    shared = {
      middle: `,"heartbeatMs":${JSON.stringify(heartbeatMs)},"limits":${JSON.stringify(limits)},"expiresAt":`,
      tail: `,"server":${JSON.stringify(server)}}`,
    };
    welcomeShared.set(options, shared);
  }
  const { middle, tail } = shared;
  return `{"type":"welcome","clientId":${JSON.stringify(clientId)},"user":${JSON.stringify(identity.user)}${middle}${JSON.stringify(identity.expiresAt)}${tail}`;
}

/** Options are fixed once a hub is made: the welcome's shared parts are kept per options object. */
const welcomeShared = new WeakMap<CoreOptions, { middle: string; tail: string }>();
