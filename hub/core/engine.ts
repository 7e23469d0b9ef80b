/**
 * The engine seam: everything `hub/core` needs from the layer that sequences, stores and fans out
 * across hubs. `memory` keeps it in process; `redis` shares it between hubs. Core never knows which.
 */
import type { Json, PresenceMember, ResumeFailure, RoomMessage, Sender, StreamPosition } from '../protocol/index.js';
import type { PresencePage } from './presence-roster.js';

export interface PublishInput {
  room: string;
  event: string;
  data: Json;
  from: Sender;
  time: number;
  /** Deliver to the publishing connection too (protocol `echo`). Carried with the message. */
  echo?: boolean;
  /**
   * Client-chosen idempotency key, scoped to the room and the sender's `sub`: a second publish with
   * the same key while the first is remembered (at least while it is in history) is not stored again.
   */
  key?: string;
}

/**
 * A publish key as engines store it: scoped by the sender, so one user's keys can neither shadow nor
 * reveal another's; the length prefix keeps `sub` and `key` apart whatever characters they hold.
 */
export function publishKeyId(sub: string, key: string): string {
  return `${sub.length}:${sub} ${key}`;
}

/** What a publish resolves to: the stored message, or the original one for a repeated key. */
export type PublishResult = EngineMessage & { duplicate?: true };

/** A stored message as the engine hands it to the core: the wire message plus the echo flag. */
export type EngineMessage = RoomMessage & { echo?: boolean };

export interface HistoryResult {
  /** The room's current position (seq 0 when nothing was ever published in this epoch). */
  position: StreamPosition;
  /** Messages after `since`, oldest first; empty when not recovered. */
  messages: RoomMessage[];
  /** false when `since` cannot be honoured; then `reason` says why. Absent when no `since`. */
  recovered?: boolean;
  reason?: ResumeFailure;
}

export interface PresenceDiff {
  joined: PresenceMember[];
  left: PresenceMember[];
  updated: PresenceMember[];
}

/** A cross-node command: kick, ban and revoke reach every hub. */
export type ControlCommand =
  | { kind: 'kick'; clientId?: string; sub?: string; reason: string }
  | { kind: 'ban'; sub: string; until: number; reason: string }
  | { kind: 'unban'; sub: string }
  | { kind: 'revoke'; jti: string }
  | { kind: 'stats'; node: string; stats: Json };

export type EngineState = 'up' | 'down';

/** What an engine reports to the core. Handlers are synchronous and must not throw. */
export interface EngineEvents {
  /** A sequenced message for a room this node is subscribed to (own publishes included). */
  message(msg: EngineMessage): void;
  /** Presence changed in a room this node is subscribed to (own changes included). */
  presence(room: string, diff: PresenceDiff): void;
  /** A control command from any node (own included). */
  control(cmd: ControlCommand): void;
  /** Engine reachability changed. After `up` following `down`, the core resumes its rooms. */
  state(state: EngineState, detail?: string): void;
  /** A timer of the engine's own failed (a sweep, a disk write): logged and counted, never a process exit. */
  failed?(where: string, err: unknown): void;
}

/** Small durable records shared by all nodes: bans, revoked invites, invite use counts. */
export interface RecordStore {
  get(kind: string, key: string): Promise<Json | undefined>;
  put(kind: string, key: string, value: Json, ttlMs?: number): Promise<void>;
  delete(kind: string, key: string): Promise<void>;
  list(kind: string): Promise<Array<{ key: string; value: Json }>>;
  /** Atomically add `by` to a counter and return the new value. */
  increment(kind: string, key: string, by: number, ttlMs?: number): Promise<number>;
}

export interface HistoryPolicy {
  maxMessages: number;
  maxAgeMs: number;
  /** Bound on the room's kept messages by their estimated size (bytes of `data` as JSON); none when absent. */
  maxBytes?: number;
}

/** What an engine can do, asked instead of its name (callers never branch on `name`). */
export interface EngineCapabilities {
  /** Other hubs may share this engine: clients, rooms and control commands reach beyond this process. */
  readonly shared: boolean;
}

export interface Engine {
  /** For display and logs only; ask `capabilities` what it can do. */
  readonly name: 'memory' | 'redis';
  readonly capabilities: EngineCapabilities;
  /** This hub's id, unique among the nodes sharing the engine. */
  readonly nodeId: string;
  readonly state: EngineState;
  readonly records: RecordStore;

  start(events: EngineEvents): Promise<void>;
  close(): Promise<void>;

  /**
   * Assign the room's next seq and store the message; resolves once it is in history. A repeated
   * `key` resolves to the original message with `duplicate: true` and is not delivered again.
   * Fails with EngineUnavailableError (nothing stored) or EngineOutcomeUnknownError (cannot tell).
   */
  publish(input: PublishInput): Promise<PublishResult>;
  /**
   * The room's position and, with `since`, the messages after it (or why not); without `since`,
   * the latest `limit` kept messages (none when `limit` is absent).
   */
  history(room: string, since?: StreamPosition | null, limit?: number): Promise<HistoryResult>;
  /** Receive this room's messages and presence on this node. Idempotent per room. */
  subscribe(room: string): Promise<void>;
  unsubscribe(room: string): Promise<void>;

  presenceSet(room: string, member: PresenceMember): Promise<void>;
  presenceRemove(room: string, clientId: string): Promise<void>;
  presenceList(room: string): Promise<PresenceMember[]>;
  /**
   * A page of the room's members (after `cursor`, or the first) as this node has reported them in
   * its presence diffs, so an ack plus the diffs after it is exact. For rooms this node subscribes
   * to; a cursor that is not this roster's → `HubError bad_request`.
   */
  presencePage(room: string, cursor?: string): PresencePage;
  /** Members in the room as this node has reported them. */
  presenceCount(room: string): number;

  /** Send a control command to every node, this one included. */
  control(cmd: ControlCommand): Promise<void>;
  /** Number of stored messages across rooms (for metrics). */
  historySize(): number;
  /** The hub-wide history memory budget, where the engine keeps history in this process. */
  historyBytes?(): { used: number; budget: number; evicted: number };
  /** A cheap round trip to the store (readiness): resolves when it answers, however long that takes. */
  probe(): Promise<void>;
}

export type HistoryPolicyFor = (room: string) => HistoryPolicy;
