/** Message types of protocol v1: what travels in each text frame. */
import type { ErrorCode } from './codes.js';

export type Role = 'viewer' | 'editor' | 'admin' | 'service';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin', 'service'];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A position in a room's numbered stream. */
export type StreamPosition = {
  epoch: string;
  seq: number;
};

export interface UserInfo {
  sub: string;
  name: string;
  role: Role;
}

/** The sender of a message, always stamped by the hub. */
export type Sender = {
  sub: string;
  name: string;
  clientId?: string;
  service?: boolean;
};

export type PresenceMember = {
  clientId: string;
  sub: string;
  name: string;
  state: JsonObject;
};

// ---- client → hub ----

export interface SubscribeMessage {
  type: 'subscribe';
  id?: string;
  room: string;
  since?: StreamPosition;
  /** Replay the latest `limit` kept messages after the ack (1..1000); with `since`, `since` decides. */
  history?: HistoryOption;
}
export interface HistoryOption {
  limit: number;
}
/** Read a room's kept messages without joining it: the latest `limit`, or those after `since`. */
export interface HistoryRequestMessage {
  type: 'history';
  id?: string;
  room: string;
  limit?: number;
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
  /** Client-chosen idempotency key (1-64 chars): a retry with the same key is stored once. */
  key?: string;
}
/** One page of a room's members after `cursor` (from `memberCount`/`membersNext` of the subscribe ack). */
export interface MembersMessage {
  type: 'members';
  id?: string;
  room: string;
  /** The ack's `membersNext` or a previous answer's `next`; absent: the first page. */
  cursor?: string;
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
  | MembersMessage
  | PingMessage
  | AuthMessage
  | AdminMessage
  | HistoryRequestMessage;
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
  /** A repeated `key`: the original's position, nothing stored again. */
  duplicate?: boolean;
}

export interface SubscribeAck extends StreamPosition {
  room: string;
  /** The first page of members (at most 100). */
  members: PresenceMember[];
  /** Members in the room. */
  memberCount: number;
  /** Cursor for the next page (`members` request); absent when `members` is everyone. */
  membersNext?: string;
  recovered?: boolean;
  reason?: ResumeFailure;
}

export type ResumeFailure = 'epoch_changed' | 'evicted';

/** The answer to a `history` request (and the REST history route's body). */
export interface HistoryAck extends StreamPosition {
  room: string;
  messages: RoomMessage[];
  recovered?: boolean;
  reason?: ResumeFailure;
  /** The answer was cut (by `limit` after `since`, or by the answer's size bound): ask again from the last `seq`. */
  more?: boolean;
}

/** Why a token is refused (`GET /api/session`, upgrade refusal bodies). */
export type RefusalReason = 'expired' | 'banned' | 'revoked' | 'used_up' | 'not_allowed' | 'invalid';
export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'expired',
  'banned',
  'revoked',
  'used_up',
  'not_allowed',
  'invalid',
];

/** `GET /api/session` when the token would be admitted. */
export interface SessionAnswer {
  user: UserInfo;
  expiresAt: number;
}

/** `POST /api/invites/redeem`: a personal token for one person, redeemed from an invite. */
export interface InviteRedemption {
  token: string;
  sub: string;
  expiresAt: number;
}

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
  /** Members in the room once this diff is applied (always sent by the hub). */
  count?: number;
}

/** The answer to `members`. */
export interface MembersAck {
  room: string;
  members: PresenceMember[];
  next?: string;
}

export interface PongMessage {
  type: 'pong';
  id?: string;
  time: number;
}

export type NoticeMessage =
  | { type: 'notice'; event: 'shutdown'; reconnectAfterMs: number; reason?: 'sleep' }
  | { type: 'notice'; event: 'token_expiring'; expiresAt: number }
  | { type: 'notice'; event: 'kicked'; reason: string }
  | { type: 'notice'; event: 'banned'; reason: string; until: number }
  /** Just before close 4001: why the hub no longer takes the token (the close text is for people). */
  | { type: 'notice'; event: 'token_rejected'; reason: 'expired' | 'revoked' }
  /** The engine answers again after an outage or a stall: retry what it refused now. */
  | { type: 'notice'; event: 'engine_up' };

/** Token claims the hub reads (protocol.md, Token claims). */
export interface TokenClaims {
  sub: string;
  name?: string;
  role: Role;
  /** Read, never written: a verified token's list is its grant's frozen copy, shared. */
  rooms: readonly string[];
  exp: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  aud?: string | string[];
  iss?: string;
  /** An invite token: redeemed for personal tokens, never a session of its own. */
  invite?: boolean;
  /** How many people may redeem the invite (absent: no limit). */
  maxUses?: number;
  /** A personal token redeemed from the invite with this `jti`: revoking that invite ends it. */
  inviteId?: string;
}

export const TOKEN_AUDIENCE = 'insight-hub';
