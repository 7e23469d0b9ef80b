/**
 * The client's state: its lifecycle phase, and the observable connection state (one current value
 * and the listeners that follow it). Both change only by a move of the transition table below, so
 * what the app sees cannot drift from where the lifecycle is.
 */
import { ClientError } from './errors.js';
import { Listeners } from './listeners.js';
import type { ConnectionState } from './types.js';

/**
 * Where the client is in its lifecycle:
 * - `connecting`: getting a token, or a link is up and waiting for `welcome`;
 * - `resuming`: welcomed, every room resubscribing (requests still queue);
 * - `ready`: rooms had their first answer, the offline queue is flushed, requests go straight out;
 * - `waiting`: between attempts;
 * - `banned`: stopped until a ban ends (then `connecting` again, unless closed);
 * - `stopped`: closed for good.
 */
export type Phase = 'connecting' | 'resuming' | 'ready' | 'waiting' | 'banned' | 'stopped';

type Details<S extends ConnectionState['status']> = Omit<Extract<ConnectionState, { status: S }>, 'status'>;

/** What happens to the lifecycle; each move leads to one phase (TRANSITIONS). */
export type Move =
  | { kind: 'attempt' }
  | { kind: 'welcomed' }
  | { kind: 'resumed' }
  | { kind: 'link_lost' }
  | { kind: 'renewing' }
  | { kind: 'retry_due'; retry: Details<'reconnecting'> }
  | { kind: 'stopped'; closed: Details<'closed'> }
  | { kind: 'ban_over' };

/** `keeps`: the public state stays as it is on this move (why is said beside each). */
type Shown = ConnectionState | 'keeps';

/** The transition table: for each move, the phase it leads to and what the app is shown. */
const TRANSITIONS: { [K in Move['kind']]: (move: Extract<Move, { kind: K }>) => { phase: Phase; shows: Shown } } = {
  // Getting a token and a link.
  attempt: () => ({ phase: 'connecting', shows: { status: 'connecting' } }),
  // `welcome`: open for the app while the rooms resubscribe.
  welcomed: () => ({ phase: 'resuming', shows: { status: 'open' } }),
  // Every room had its first answer: requests go straight out; the app already sees `open`.
  resumed: () => ({ phase: 'ready', shows: 'keeps' }),
  // The link is gone: the next move (a retry, a stop, or one after the token's renewal) tells the app.
  link_lost: () => ({ phase: 'waiting', shows: 'keeps' }),
  // The token was refused and the app is asked for another: the link is gone, so not `open` any
  // more; `connecting` (getting a token) until a retry or a stop says more.
  renewing: () => ({ phase: 'waiting', shows: { status: 'connecting' } }),
  retry_due: ({ retry }) => ({ phase: 'waiting', shows: { status: 'reconnecting', ...retry } }),
  // With `until` (a ban's end) the client connects again then, unless the app closes it first.
  stopped: ({ closed }) => ({
    phase: closed.until === undefined ? 'stopped' : 'banned',
    shows: { status: 'closed', ...closed },
  }),
  // The ban is over: `closed` stays shown until the attempt that starts at once shows `connecting`.
  ban_over: () => ({ phase: 'waiting', shows: 'keeps' }),
};

/** The lifecycle's phase and the app's connection state, changed together by `move`. */
export class LifecycleState {
  private current: Phase = 'connecting';
  private readonly cell = new StateCell();

  get phase(): Phase {
    return this.current;
  }

  /** What the app sees. */
  get value(): ConnectionState {
    return this.cell.value;
  }

  subscribe(fn: (state: ConnectionState) => void): () => void {
    return this.cell.subscribe(fn);
  }

  move(move: Move): void {
    const { phase, shows } = transition(move);
    this.current = phase;
    if (shows !== 'keeps') this.cell.set(shows);
  }
}

function transition<K extends Move['kind']>(move: Extract<Move, { kind: K }>): { phase: Phase; shows: Shown } {
  const to: (move: Extract<Move, { kind: K }>) => { phase: Phase; shows: Shown } = TRANSITIONS[move.kind];
  return to(move);
}

export class StateCell {
  private current: ConnectionState = { status: 'connecting' };
  private readonly listeners = new Listeners<[ConnectionState]>();

  get value(): ConnectionState {
    return this.current;
  }

  set(next: ConnectionState): void {
    if (sameState(this.current, next)) return;
    this.current = next;
    this.listeners.emit(next);
  }

  subscribe(fn: (state: ConnectionState) => void): () => void {
    return this.listeners.add(fn);
  }
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  if (a.status !== b.status) return false;
  // 'reconnecting' and 'closed' carry details that are news even when the status is unchanged.
  return a.status === 'connecting' || a.status === 'open';
}

/** What a request made after the client stopped fails with. */
export function closedError(state: ConnectionState): ClientError {
  const why = state.status === 'closed' ? `${state.reason} (${state.code})` : 'closed';
  return new ClientError(
    'closed',
    `client is closed: ${why}`,
    state.status === 'closed' ? { closeCode: state.code } : {},
  );
}
