/**
 * A connection's first moments in the core: its client id, the socket's listeners (shared by every
 * socket, so a connection costs no closures) and the `welcome` it is greeted with.
 */
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import type { WelcomeMessage } from '../protocol/index.js';
import type { CoreOptions } from './core-types.js';
import type { Session, SessionIdentity } from './session.js';

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

const SESSION = Symbol('session');
type HubSocket = WebSocket & { [SESSION]: Session };

// Shared listeners (no closure per socket): the socket finds its session, the session its host.
function onSocketMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onFrame(session, data as Buffer, isBinary);
  session.pauseReadingIfBacklogged();
}

function onSocketPong(this: WebSocket): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onPong(session);
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onClosed(session, code, reason.toString());
}

/** ws reports protocol violations (1002/1007/1009) here and then closes; 'close' cleans up. */
function onSocketError(): void {}

/** The socket's events go to its session's host from now on. */
export function bindSocket(ws: WebSocket, session: Session): void {
  (ws as HubSocket)[SESSION] = session;
  ws.on('message', onSocketMessage);
  ws.on('pong', onSocketPong);
  ws.on('close', onSocketClose);
  ws.on('error', onSocketError);
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
