/** The connection's observable state: one current value and the listeners that follow it. */
import { Listeners } from './listeners.js';
import type { ConnectionState } from './types.js';

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
