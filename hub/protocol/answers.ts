/**
 * What answers each request: `AnswerMap` by the request's `type` (an `admin` request by its action,
 * AdminAnswerMap), and `AnswerFor<M>`, read from the message itself so the caller cannot choose it.
 */
import type { AdminAck, AdminAnswer, AdminListing } from './admin-answers.js';
import type {
  AckEnvelope,
  AdminAction,
  ClientMessage,
  ErrorMessage,
  HistoryAck,
  MembersAck,
  NoticeMessage,
  PongMessage,
  PresenceMessage,
  PublishAnswer,
  RoomMessage,
  SubscribeAck,
  WelcomeMessage,
} from './messages.js';

/** The answer to each request, by the request's `type` (`ping` is answered by a `pong`). */
export interface AnswerMap {
  subscribe: SubscribeAck;
  unsubscribe: { room: string };
  publish: PublishAnswer;
  presence: { room: string };
  auth: { expiresAt: number };
  members: MembersAck;
  history: HistoryAck;
  /** One of the admin answers; which one, its action says (`AdminAnswerMap`, admin-answers.ts). */
  admin: AdminAnswer;
}

/** The `ack` that answers a request of type `T`. */
export type AckFor<T extends keyof AnswerMap> = AckEnvelope & AnswerMap[T];

/** What answers a request of type `T`: a `pong` for `ping`, else its `ack`. */
export type AnswerTo<T extends ClientMessage['type']> = T extends 'ping'
  ? PongMessage
  : T extends keyof AnswerMap
    ? AckFor<T>
    : never;

/** An `ack`: one of the answers of AnswerMap. */
export type AckMessage = { [T in keyof AnswerMap]: AckFor<T> }[keyof AnswerMap];

export type ServerMessage =
  WelcomeMessage | AckMessage | ErrorMessage | RoomMessage | PresenceMessage | PongMessage | NoticeMessage;

/**
 * What answers message `M`, read from the message itself: an admin action's own ack (a `list` by
 * its `what`), anything else AnswerTo its type. The caller does not choose it.
 */
export type AnswerFor<M extends ClientMessage> = M extends { type: 'admin'; action: infer A extends AdminAction }
  ? AdminAck<A, M extends { what: infer W extends AdminListing } ? W : AdminListing>
  : AnswerTo<M['type']>;
