/**
 * The client's state: its lifecycle phase, and the observable connection state (one current value
 * and the listeners that follow it).
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
