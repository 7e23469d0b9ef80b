/**
 * A room's join has one state at a time: the joined promise resolves with the answer or rejects
 * once (never unhandled), passing refusals retry within the backoff ceiling, and nothing changes
 * after failed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientError } from '../../hub/client/errors.js';
import { isPassing, RoomJoin } from '../../hub/client/room-join.js';
import type { JoinAnswer, RoomState } from '../../hub/client/types.js';

const answer = (seq: number): JoinAnswer => ({
  room: 'r',
  epoch: 'e1',
  seq,
  members: [],
  memberCount: 0,
  recovered: true,
  history: [],
});

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('RoomJoin', () => {
  it('joining → joined: the joined promise resolves with the answer, onAnswer sees each one', async () => {
    const join = new RoomJoin({ baseMs: 100, capMs: 1000 });
    const states: RoomState['status'][] = [];
    const answers: number[] = [];
    join.onState((s) => states.push(s.status));
    join.onAnswer((a) => answers.push(a.seq));
    const first = join.joined;
    join.answered(answer(1));
    expect(await first).toEqual(answer(1));
    expect(await join.joined).toEqual(answer(1));
    join.joining();
    const second = join.joined;
    join.answered(answer(4));
    expect((await second).seq).toBe(4);
    expect(states).toEqual(['joined', 'joining', 'joined']);
    expect(answers).toEqual([1, 4]);
  });

  it('retrying: waits a backoff delay within the ceiling, then tries again; a new attempt cancels the wait', async () => {
    const join = new RoomJoin({ baseMs: 100, capMs: 1000 });
    const again = vi.fn();
    join.retryLater(new ClientError('timeout', 'slow'), again);
    const state = join.state as Extract<RoomState, { status: 'retrying' }>;
    expect(state).toMatchObject({ status: 'retrying', attempt: 1, error: { code: 'timeout' } });
    expect(state.inMs).toBeLessThan(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(again).toHaveBeenCalledTimes(1);
    join.retryLater(new ClientError('internal', 'boom'), again);
    expect((join.state as { attempt: number }).attempt).toBe(2);
    join.joining();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('retryNow skips the wait; answered resets the attempt count', async () => {
    const join = new RoomJoin({ baseMs: 10_000, capMs: 10_000 });
    const again = vi.fn();
    join.retryLater(new ClientError('unavailable', 'down'), again);
    join.retryNow(again);
    expect(again).toHaveBeenCalledTimes(1);
    join.answered(answer(1));
    join.retryLater(new ClientError('unavailable', 'down'), again);
    expect((join.state as { attempt: number }).attempt).toBe(1);
  });

  it('failed: the joined promise rejects (handled even when nobody awaits it) and nothing changes after', async () => {
    const join = new RoomJoin(undefined);
    const waiting = join.joined;
    join.end({ status: 'failed', error: new ClientError('forbidden', 'no') });
    await expect(waiting).rejects.toMatchObject({ code: 'forbidden' });
    await expect(join.joined).rejects.toMatchObject({ code: 'forbidden' });
    join.answered(answer(1));
    join.joining();
    expect(join.state.status).toBe('failed');
  });

  it('knows which refusals pass', () => {
    for (const code of ['timeout', 'internal', 'unavailable', 'conflict', 'rate_limited', 'outcome_unknown'] as const)
      expect(isPassing(code), code).toBe(true);
    for (const code of ['forbidden', 'not_found', 'bad_request', 'too_large', 'unauthorized'] as const)
      expect(isPassing(code), code).toBe(false);
  });
});
