/** The load generator's commands and replies, shared by the generator and the runner. */
import type { Role } from '../../../hub/protocol/index.js';
import type { CpuShare } from '../cpu.js';
import type { HistogramSnapshot, LatencySummary } from '../histogram.js';
import type { ServerKind } from './dialect.js';
import type { OpenResult } from './pool.js';
import type { TokenAuthority } from './tokens.js';

export interface Target {
  kind: ServerKind;
  host: string;
  port: number;
}

export interface OpenArgs {
  /** Name of the group these clients join (e.g. `subscribers`, `publishers`). */
  group: string;
  target: Target;
  count: number;
  /** Client i joins rooms[i % rooms.length]; empty: no room. */
  rooms: string[];
  /** Hub only: who signs the per-connection tokens and what they grant. */
  authority?: TokenAuthority;
  role?: Role;
  tokenRooms?: string[];
  trackResume?: boolean;
  concurrency?: number;
  deadlineMs?: number;
}

export interface OpenReply extends OpenResult {
  mintMs: number;
  load: CpuShare;
}

export interface StepArgs {
  publishers: string;
  /** Groups whose deliveries are counted. */
  subscribers: string[];
  /** Rooms published to, round-robin, one message per tick each. */
  rooms: string[];
  /** Messages per second, all publishers together. */
  rate: number;
  durationMs: number;
  /** How long to wait after the last publish for deliveries still in flight. */
  drainMs: number;
  payloadBytes: number;
}

export interface StepReply {
  rate: number;
  published: number;
  /** Publish rate actually achieved (the generator may fall behind the schedule). */
  publishedPerSec: number;
  expected: number;
  received: number;
  lost: number;
  /** Deliveries of earlier steps that arrived during this one. */
  late: number;
  deliveredPerSec: number;
  /** Wall time from the first publish to the last delivery counted. */
  elapsedMs: number;
  latency: LatencySummary;
  histogram: HistogramSnapshot;
  publishErrors: number;
  /** Healthy subscribers that lost their connection during the step, by close code. */
  closes: Record<string, number>;
  /** Healthy subscribers already disconnected when the step began (an earlier step lost them). */
  absent: number;
  /** How a publisher's connection ended, when one did (nothing published after that arrives). */
  publisherClosed: string | null;
  load: CpuShare;
}

export interface PauseArgs {
  group: string;
  /** Share of the group's clients that stop reading (taken evenly across rooms). */
  fraction: number;
}

export interface SlowReport {
  paused: number;
  /** After resuming: how the paused clients' connections ended, by close code ('open' if still open). */
  outcomes: Record<string, number>;
}

export interface HandshakeArgs {
  target: Target;
  authority?: TokenAuthority;
  count: number;
  durationMs: number;
  concurrency: number;
}

export interface HandshakeReply {
  completed: number;
  failed: number;
  errors: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  latency: LatencySummary;
  mintMs: number;
  load: CpuShare;
}

export interface StormArgs {
  target: Target;
  authority?: TokenAuthority;
  clients: number;
  /** Messages delivered before the cut, and published while everyone is away. */
  before: number;
  during: number;
  rate: number;
  payloadBytes: number;
  timeoutMs: number;
}

export interface StormReply {
  clients: number;
  /** All clients ready (and resubscribed) after reconnecting at once. */
  reconnectMs: number;
  reconnectFailed: number;
  /** Until every client had every message, or null when some never did. */
  catchUpMs: number | null;
  caughtUp: number;
  /** Messages that never arrived, summed over clients. */
  missed: number;
  duplicates: number;
  /** Messages replayed to clients after the reconnect. */
  replayed: number;
  /** Per-client time from reconnect start to having every message. */
  perClient: LatencySummary;
  errors: Record<string, number>;
  load: CpuShare;
}
