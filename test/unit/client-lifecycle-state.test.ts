/**
 * The lifecycle's phase and the state the app sees change by one move: each move leads to its
 * phase and shows its state at once, and the moves that leave the public state as it is (resumed,
 * link lost, ban over) are exactly those the transition table says keep it.
 */
import { describe, expect, it } from 'vitest';
import { LifecycleState, type Move } from '../../hub/client/connection-state.js';
import type { ConnectionState } from '../../hub/client/types.js';

const closed = { code: 4005, reason: 'banned', cause: 'banned', until: 1_000 } as const;

function observed() {
  const state = new LifecycleState();
  const seen: ConnectionState[] = [];
  state.subscribe((s) => seen.push(s));
  /** Makes the move; returns the phase it led to and what listeners heard of it. */
  const move = (m: Move) => {
    const before = seen.length;
    state.move(m);
    return { phase: state.phase, shown: seen.slice(before), value: state.value };
  };
  return { state, move };
}

describe('LifecycleState', () => {
  it('moves the phase and the public state together through a connection, a drop and a retry', () => {
    const { state, move } = observed();
    expect([state.phase, state.value]).toEqual(['connecting', { status: 'connecting' }]);
    expect(move({ kind: 'welcomed' })).toEqual({
      phase: 'resuming',
      shown: [{ status: 'open' }],
      value: { status: 'open' },
    });
    expect(move({ kind: 'resumed' })).toEqual({ phase: 'ready', shown: [], value: { status: 'open' } });
    // The link is gone: `open` is still shown until the next move says what happens.
    expect(move({ kind: 'link_lost' })).toEqual({ phase: 'waiting', shown: [], value: { status: 'open' } });
    // A refused token: not open while the app is asked for another.
    expect(move({ kind: 'renewing' })).toEqual({
      phase: 'waiting',
      shown: [{ status: 'connecting' }],
      value: { status: 'connecting' },
    });
    const retry = { inMs: 50, attempt: 2, lastClose: { code: 1006, reason: '' } };
    expect(move({ kind: 'retry_due', retry })).toEqual({
      phase: 'waiting',
      shown: [{ status: 'reconnecting', ...retry }],
      value: { status: 'reconnecting', ...retry },
    });
    expect(move({ kind: 'attempt' })).toMatchObject({ phase: 'connecting', shown: [{ status: 'connecting' }] });
  });

  it('stops until a ban ends, keeps showing closed when it does, and stops for good without until', () => {
    const { move } = observed();
    expect(move({ kind: 'stopped', closed })).toEqual({
      phase: 'banned',
      shown: [{ status: 'closed', ...closed }],
      value: { status: 'closed', ...closed },
    });
    expect(move({ kind: 'ban_over' })).toEqual({ phase: 'waiting', shown: [], value: { status: 'closed', ...closed } });
    const forGood = { code: 1000, reason: 'closed by the application', cause: 'client_closed' } as const;
    expect(move({ kind: 'stopped', closed: forGood })).toMatchObject({
      phase: 'stopped',
      shown: [{ status: 'closed', ...forGood }],
    });
  });
});
