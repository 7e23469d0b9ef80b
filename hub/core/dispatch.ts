/** Incoming frames: limits first, then one validator, then one handler per message type. */
import {
  ADMIN_ROOM,
  CloseReason,
  HubError,
  MAX_ID_LENGTH,
  parseClientMessage,
  requestIdOf,
  type AckEnvelope,
  type AdminAnswer,
  type AnswerMap,
  type ClientMessage,
  type ErrorCode,
  type PongMessage,
} from '../protocol/index.js';
import type { HandlerHost } from './core-types.js';
import type { OutgoingMessage, Session } from './session.js';
import { subscribe, unsubscribe } from './subscribe.js';
import { isEngineFailure } from './engine-errors.js';
import { ACK_SENT, members, type AckSent } from './presence-pages.js';
import { historyRequest } from './history-read.js';

/** Errors that spend the connection's error budget (repeated ones close it with 1008). */
const BUDGETED: ReadonlySet<ErrorCode> = new Set([
  'bad_request',
  'forbidden',
  'too_large',
  'not_found',
  'unauthorized',
]);

export function handleFrame(core: HandlerHost, session: Session, data: Buffer, isBinary: boolean): void {
  if (!session.takesRequests) return;
  if (isBinary) {
    core.emit('refused', session, 'binary', 'binary');
    session.end(CloseReason.binaryFrame);
    return;
  }
  session.received(data.length);
  if (!session.takeMessage()) {
    rateLimited(core, session, peekId(data), 'rate limit exceeded: message dropped, slow down');
    return;
  }
  let msg: ClientMessage;
  try {
    msg = parseClientMessage(data.toString('utf8'));
  } catch (err) {
    reject(core, session, err, requestIdOf(err), 'invalid');
    return;
  }
  if (msg.type === 'publish' && !core.publishBytes.take(session.user.sub, data.length)) {
    rateLimited(
      core,
      session,
      msg.id,
      `publish byte rate exceeded (${core.options.limits.publishBytesPerSecond} bytes/s per user): message dropped, slow down`,
    );
    return;
  }
  const room = msg.type === 'admin' || !('room' in msg) ? undefined : msg.room;
  core.traffic.recordIn(room, data.length);
  core.emit('received', session, msg.type, data.length);
  runHandler(core, session, msg.type, msg);
}

/** Runs the handler of `type` and sends its answer in that type's own frame (FRAMES). */
function runHandler<T extends ClientMessage['type']>(
  core: HandlerHost,
  session: Session,
  type: T,
  msg: MessageOf<T>,
): void {
  const handler: Handler<T> = handlers[type];
  session.requestStarted();
  handler(core, session, msg).then(
    (answer) => {
      if (answer !== null && answer !== ACK_SENT) {
        // null: no ack asked for; ACK_SENT: written by the handler
        const frame: Framer<T> = FRAMES[type];
        session.send(frame(msg.id, answer));
      }
      session.requestSettled();
    },
    (err) => {
      reject(core, session, err, msg.id, type);
      session.requestSettled();
    },
  );
}

function rateLimited(core: HandlerHost, session: Session, id: string | undefined, message: string): void {
  core.emit('refused', session, 'rate_limited', 'any');
  session.send({ type: 'error', id, code: 'rate_limited', message });
  if (!session.strike()) session.endAfterAnswers(CloseReason.rateLimited);
}

/**
 * The id of a message we will not process, so the client can match the refusal wherever the id
 * stands in the frame (`{...msg, id}` puts it last). Parsing costs what the message would have; it
 * happens at most `rateLimitStrikes` times before the connection is closed with 4029.
 */
function peekId(data: Buffer): string | undefined {
  try {
    const id = (JSON.parse(data.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id.length <= MAX_ID_LENGTH ? id : undefined;
  } catch {
    return undefined;
  }
}

export function reject(core: HandlerHost, session: Session, err: unknown, id: string | undefined, type: string): void {
  if (!session.isOpen) return;
  let code: ErrorCode = 'internal';
  let message = 'internal error';
  if (err instanceof HubError) {
    code = err.code;
    message = err.message;
    if (isEngineFailure(err) && type !== 'publish') core.logEngineFailure(err, type);
  } else {
    core.options.logger?.error({ err: (err as Error)?.stack ?? String(err), type }, 'handler failed');
  }
  core.emit('refused', session, code, type);
  session.send({ type: 'error', id, code, message });
  if (BUDGETED.has(code) && !session.errors.spend()) {
    session.end(CloseReason.protocolErrors);
  }
}

/**
 * What each handler must return: AnswerMap's fields (each admin action's own, AdminAnswerMap), the
 * `pong` for `ping`, and for `presence` null when no ack was asked for. No handler can forget it;
 * one that wrote its ack frame itself (a members page spliced in) says so with ACK_SENT.
 */
type AnswerOf<T extends ClientMessage['type']> = T extends 'admin'
  ? AdminAnswer
  : T extends 'ping'
    ? PongMessage
    : T extends 'presence'
      ? AnswerMap[T] | null
      : T extends keyof AnswerMap
        ? AnswerMap[T]
        : never;
type MessageOf<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
type Handler<T extends ClientMessage['type']> = (
  core: HandlerHost,
  session: Session,
  msg: MessageOf<T>,
) => Promise<AnswerOf<T> | AckSent>;
type Handlers = { [T in ClientMessage['type']]: Handler<T> };

/** The frame that carries a type's answer to the request with `id`. */
type Framer<T extends ClientMessage['type']> = (
  id: string | undefined,
  answer: NonNullable<AnswerOf<T>>,
) => OutgoingMessage;

/** The answer's fields in an `ack` under the request's id (an admin answer's `id` may be absent). */
function ack<A extends object>(id: string | undefined, answer: A): AckEnvelope & A {
  return { type: 'ack', id, ...answer };
}

/** `ping` is answered by its `pong` as the handler made it; every other request by its `ack`. */
const FRAMES: { [T in ClientMessage['type']]: Framer<T> } = {
  ping: (_id, pong) => pong,
  subscribe: ack,
  unsubscribe: ack,
  publish: ack,
  presence: ack,
  members: ack,
  history: ack,
  auth: ack,
  admin: ack,
};

const handlers: Handlers = {
  subscribe,
  unsubscribe,
  members,
  history: historyRequest,

  async publish(core, session, msg) {
    const { role, sub, name } = session.user;
    if (role === 'viewer') throw new HubError('forbidden', 'viewers cannot publish');
    if (!session.identity.access.allows(msg.room))
      throw new HubError('forbidden', `not allowed to publish to ${msg.room}`);
    const from =
      role === 'service' ? { sub, name, clientId: session.id, service: true } : { sub, name, clientId: session.id };
    const stored = await core.publish(msg.room, msg.event, msg.data, from, msg.echo, msg.key);
    return { room: msg.room, epoch: stored.epoch, seq: stored.seq, duplicate: stored.duplicate };
  },

  async presence(core, session, msg) {
    if (session.user.role === 'service') throw new HubError('forbidden', 'service connections have no presence');
    if (!session.inRoom(msg.room) || msg.room === ADMIN_ROOM) {
      throw new HubError('bad_request', `subscribe to ${msg.room} before setting presence`);
    }
    if (Buffer.byteLength(JSON.stringify(msg.state)) > core.options.limits.maxPresenceBytes) {
      throw new HubError('too_large', `presence state is larger than ${core.options.limits.maxPresenceBytes} bytes`);
    }
    const { sub, name } = session.user;
    session.markPresence(msg.room);
    await core.engine.presenceSet(msg.room, { clientId: session.id, sub, name, state: msg.state });
    // Presence has no ack unless the client asked for one by id.
    return msg.id ? { room: msg.room } : null;
  },

  async ping(_core, _session, msg) {
    return { type: 'pong', id: msg.id, time: Date.now() };
  },

  async auth(core, session, msg) {
    let identity;
    try {
      identity = await core.verifyToken(msg.token);
    } catch (err) {
      throw err instanceof HubError ? err : new HubError('unauthorized', 'token invalid');
    }
    if (identity.user.sub !== session.user.sub)
      throw new HubError('unauthorized', 'a refreshed token must have the same sub');
    session.reauthorize(identity);
    for (const room of session.roomList()) {
      if (room !== ADMIN_ROOM && !identity.access.allows(room)) core.leaveRoom(session, room);
    }
    if (identity.user.role !== 'admin' && session.inRoom(ADMIN_ROOM)) {
      core.admin?.unsubscribe(session);
      core.leaveRoom(session, ADMIN_ROOM);
    }
    return { expiresAt: identity.expiresAt };
  },

  async admin(core, session, msg) {
    if (session.user.role !== 'admin') {
      core.admin?.denied?.(session, msg.action);
      throw new HubError('forbidden', 'admin role required');
    }
    if (!core.admin) throw new HubError('not_found', 'admin service not available');
    return core.admin.handle(session, msg);
  },
};
