/** Message types of protocol v1: what travels in each text frame. */
import type { ErrorCode } from './codes.js';

export type Role = 'viewer' | 'editor' | 'admin' | 'service';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin', 'service'];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A position in a room's numbered stream. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

export interface UserInfo {
  sub: string;
  name: string;
  role: Role;
}

/** The sender of a message, always stamped by the hub. */
export interface Sender {
  sub: string;
  name: string;
  clientId?: string;
  service?: boolean;
}

export interface PresenceMember {
  clientId: string;
  sub: string;
  name: string;
  state: JsonObject;
}

// ---- client → hub ----

export interface SubscribeMessage {
  type: 'subscribe';
  id?: string;
  room: string;
  since?: StreamPosition;
}
export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id?: string;
  room: string;
}
export interface PublishMessage {
  type: 'publish';
  id?: string;
  room: string;
  event: string;
  data: Json;
  echo?: boolean;
}
export interface PresenceUpdateMessage {
  type: 'presence';
  id?: string;
  room: string;
  state: JsonObject;
}
export interface PingMessage {
  type: 'ping';
  id?: string;
}
export interface AuthMessage {
  type: 'auth';
  id?: string;
  token: string;
}
export interface AdminMessage {
  type: 'admin';
  id?: string;
  action: AdminAction;
  [field: string]: Json | undefined;
}

export type ClientMessage =
  | SubscribeMessage
  | UnsubscribeMessage
  | PublishMessage
  | PresenceUpdateMessage
  | PingMessage
  | AuthMessage
  | AdminMessage;
export type ClientMessageType = ClientMessage['type'];

export const ADMIN_ACTIONS = ['kick', 'ban', 'unban', 'invite', 'revoke', 'inspect', 'list'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

// ---- hub → client ----

export interface Limits {
  maxFrameBytes: number;
  maxRoomsPerConnection: number;
  maxPresenceBytes: number;
  messagesPerSecond: number;
  burst: number;
  maxQueuedBytes: number;
}

export interface WelcomeMessage {
  type: 'welcome';
  clientId: string;
  user: UserInfo;
  heartbeatMs: number;
  limits: Limits;
  expiresAt: number;
  server: { version: string; node?: string };
}

/** What every `ack` carries beside its answer. */
export interface AckEnvelope {
  type: 'ack';
  id?: string;
}

/** A publish's answer: where the hub stored the message. */
export interface PublishAnswer extends StreamPosition {
  room: string;
}

/** The answer to each request, by the request's `type` (`ping` is answered by a `pong`). */
export interface AnswerMap {
  subscribe: SubscribeAck;
  unsubscribe: { room: string };
  publish: PublishAnswer;
  presence: { room: string };
  auth: { expiresAt: number };
  /** Each action answers with its own fields (hub/protocol/admin.ts names the listings'). */
  admin: JsonObject;
}

/** The `ack` that answers a request of type `T`. */
export type AckFor<T extends keyof AnswerMap> = AckEnvelope & AnswerMap[T];

/** What answers a request of type `T`: a `pong` for `ping`, else its `ack`. */
export type AnswerTo<T extends ClientMessage['type']> = T extends 'ping' ? PongMessage : T extends keyof AnswerMap ? AckFor<T> : never;

/** An `ack`: one of the answers of AnswerMap. */
export type AckMessage = { [T in keyof AnswerMap]: AckFor<T> }[keyof AnswerMap];

export interface SubscribeAck extends StreamPosition {
  room: string;
  members: PresenceMember[];
  recovered?: boolean;
  reason?: ResumeFailure;
}

export type ResumeFailure = 'epoch_changed' | 'evicted';

export interface ErrorMessage {
  type: 'error';
  id?: string;
  code: ErrorCode;
  message: string;
}

export interface RoomMessage {
  type: 'message';
  room: string;
  epoch: string;
  seq: number;
  event: string;
  data: Json;
  from: Sender;
  time: number;
}

export interface PresenceMessage {
  type: 'presence';
  room: string;
  joined: PresenceMember[];
  left: PresenceMember[];
  updated: PresenceMember[];
}

export interface PongMessage {
  type: 'pong';
  id?: string;
  time: number;
}

export type NoticeMessage =
  | { type: 'notice'; event: 'shutdown'; reconnectAfterMs: number }
  | { type: 'notice'; event: 'token_expiring'; expiresAt: number }
  | { type: 'notice'; event: 'kicked'; reason: string }
  | { type: 'notice'; event: 'banned'; reason: string; until: number };

export type ServerMessage =
  | WelcomeMessage
  | AckMessage
  | ErrorMessage
  | RoomMessage
  | PresenceMessage
  | PongMessage
  | NoticeMessage;

/** Token claims the hub reads (protocol.md, Token claims). */
export interface TokenClaims {
  sub: string;
  name?: string;
  role: Role;
  rooms: string[];
  exp: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  aud?: string | string[];
  iss?: string;
}

export const TOKEN_AUDIENCE = 'insight-hub';
