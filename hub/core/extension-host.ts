/**
 * What extensions (admin, metrics) may use of the core, handed to them as `HubContext.core`.
 * HubCore implements it, so the compiler keeps the two in step; extensions compile against this,
 * never the class, so they read sessions, rooms and counters without being able to change them.
 * Kick, ban, unban and revoke go through the engine's control path (`engine.control`), which the
 * core carries out on every hub (HubCore.onControl).
 */
import type { AdminGateway, CoreObserver, CoreOptions } from './core-types.js';
import type { Engine, EngineState } from './engine.js';
import type { Session, SessionIdentity } from './session.js';
import type { SleepRecord } from './sleep-watch.js';
import type { TrafficTotals } from './traffic.js';

/** Room membership on this hub, read-only. */
export interface RoomsView {
  membersOf(room: string): ReadonlySet<Session> | undefined;
  has(room: string): boolean;
  rooms(): IterableIterator<string>;
  readonly size: number;
}

/** The engine as extensions use it: what it is, its history and rosters, its records, and the control path. */
export type EngineView = Pick<
  Engine,
  | 'name'
  | 'nodeId'
  | 'capabilities'
  | 'state'
  | 'records'
  | 'history'
  | 'presenceList'
  | 'presencePage'
  | 'historySize'
  | 'historyBytes'
  | 'control'
>;

/** The running traffic totals; `forget` drops an idle room's counters (the admin stats sampler does). */
export interface TrafficView {
  readonly total: Readonly<TrafficTotals>;
  readonly rooms: ReadonlyMap<string, Readonly<TrafficTotals>>;
  forget(room: string): void;
}

/** The core's callback guard: extensions report their own callbacks' failures through it. */
export interface GuardView {
  readonly errors: ReadonlyMap<string, number>;
  report(where: string, err: unknown): void;
  wrap<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void;
}

export interface ExtensionHost {
  readonly options: Readonly<Pick<CoreOptions, 'version' | 'logger'>>;
  /** This hub's sessions by client id. */
  readonly sessions: ReadonlyMap<string, Session>;
  readonly registry: RoomsView;
  readonly engine: EngineView;
  /** What readiness and the console report: `stalled` while the engine is up but not answering. */
  readonly engineHealth: EngineState | 'stalled';
  readonly traffic: TrafficView;
  readonly guard: GuardView;
  /** Open connections counted at upgrade. */
  readonly connections: { readonly total: number };
  /** The last time the hub's process was away (the computer slept), if it was. */
  readonly sleepWatch: { readonly last: SleepRecord | undefined };
  /** Set by the admin service: handles `$admin` and `admin` messages. */
  admin?: AdminGateway;
  observe(observer: CoreObserver): void;
  verifyToken(token: string): Promise<SessionIdentity>;
}
