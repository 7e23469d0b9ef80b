/** PresenceCoalescer: diffs merged per room over a window; the last state wins; big rooms flush at a bounded rate. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceCoalescer } from '../../hub/core/presence.js';
import type { PresenceMember, PresenceMessage } from '../../hub/protocol/index.js';

const member = (clientId: string, state: PresenceMember['state'] = {}): PresenceMember => ({
  clientId,
  sub: `u-${clientId}`,
  name: clientId,
  state,
});
const none = { joined: [], left: [], updated: [] };

/** Rooms named `big…` count 500 members, others 3. */
function setup(windowMs = 50): { co: PresenceCoalescer; sent: PresenceMessage[] } {
  const sent: PresenceMessage[] = [];
  const countOf = (room: string) => (room.startsWith('big') ? 500 : 3);
  return { co: new PresenceCoalescer({ windowMs, bigRoom: 100, bigRoomMs: 250 }, countOf, (m) => sent.push(m)), sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PresenceCoalescer', () => {
  it('sends nothing until the window ends, then one frame per room', () => {
    vi.useFakeTimers();
    const { co, sent } = setup(50);
    co.add('r1', { ...none, joined: [member('a')] });
    co.add('r2', { ...none, joined: [member('b')] });
    vi.advanceTimersByTime(49);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      { type: 'presence', room: 'r1', joined: [member('a')], left: [], updated: [], count: 3 },
      { type: 'presence', room: 'r2', joined: [member('b')], left: [], updated: [], count: 3 },
    ]);
  });

  it('turns 50 updates of one member into one entry with the last state', () => {
    vi.useFakeTimers();
    const { co, sent } = setup();
    for (let i = 1; i <= 50; i++) co.add('r', { ...none, updated: [member('a', { typing: true, n: i })] });
    vi.runAllTimers();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.updated).toEqual([member('a', { typing: true, n: 50 })]);
  });

  it('a room that grows big while a small window is open is sent as a big room', () => {
    vi.useFakeTimers();
    const sent: Array<{ message: PresenceMessage; big: boolean }> = [];
    let count = 3;
    const co = new PresenceCoalescer(
      { windowMs: 50, bigRoom: 100, bigRoomMs: 250 },
      () => count,
      (message, big) => sent.push({ message, big }),
    );
    co.add('r', { ...none, joined: [member('a')] });
    count = 150; // a storm arrives before the small window's timer has run
    co.add('r', { ...none, joined: [member('b')] });
    vi.advanceTimersByTime(50);
    expect(sent).toHaveLength(0); // not on the small room's window any more
    vi.advanceTimersByTime(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.big).toBe(true);
    expect(sent[0]!.message.joined).toEqual([member('a'), member('b')]);
  });

  it('keeps a join a join when updates follow it in the same window', () => {
    const { co, sent } = setup();
    co.add('r', { ...none, joined: [member('a')] });
    co.add('r', { ...none, updated: [member('a', { view: 'w' })] });
    co.flush();
    expect(sent[0]).toMatchObject({ joined: [member('a', { view: 'w' })], updated: [], left: [] });
  });

  it('cancels a join followed by a leave in the same window when no page was served meanwhile', () => {
    const { co, sent } = setup();
    co.add('r', { ...none, joined: [member('a'), member('b')] });
    co.add('r', { ...none, updated: [member('a', { x: 1 })] });
    co.add('r', { ...none, left: [member('a')] });
    co.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ joined: [member('b')], updated: [], left: [] });
  });

  it('sends the leave of a member who joined before an ack or members page was served (that page showed it)', () => {
    const { co, sent } = setup();
    co.add('r', { ...none, joined: [member('a')] });
    co.observed('r');
    co.add('r', { ...none, joined: [member('b')] });
    co.add('r', { ...none, left: [member('a')] });
    co.add('r', { ...none, left: [member('b')] });
    co.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ joined: [], updated: [], left: [member('a')] });
  });

  it("holds a big room's plain joins for the count cadence (once a second) but sends a state at the next interval", () => {
    vi.useFakeTimers();
    const { co, sent } = setup(50);
    co.add('big', { ...none, joined: [member('a')] });
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(1);
    co.add('big', { ...none, joined: [member('b')] });
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(1);
    co.add('big', { ...none, updated: [member('a', { typing: true })] });
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ joined: [member('b')], updated: [member('a', { typing: true })] });
  });

  it('flushes a big room at most once per interval while small rooms keep their short window', () => {
    vi.useFakeTimers();
    const { co, sent } = setup(50);
    for (let t = 0; t < 1000; t += 10) {
      co.add('big', { ...none, joined: [member(`j${t}`)] });
      co.add('small', { ...none, updated: [member('s', { typing: t })] });
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1250);
    const big = sent.filter((m) => m.room === 'big');
    const small = sent.filter((m) => m.room === 'small');
    expect(big.length).toBeLessThanOrEqual(5);
    expect(big.flatMap((m) => m.joined)).toHaveLength(100);
    expect(big.every((m) => m.count === 500)).toBe(true);
    expect(small.length).toBeGreaterThanOrEqual(19);
  });

  it('reports an update followed by a leave as a leave', () => {
    const { co, sent } = setup();
    co.add('r', { ...none, updated: [member('a', { x: 1 })] });
    co.add('r', { ...none, left: [member('a', { x: 1 })] });
    co.flush();
    expect(sent[0]).toMatchObject({ joined: [], updated: [], left: [member('a', { x: 1 })] });
  });

  it('reports a leave followed by a join (a quick reconnect) as an update', () => {
    const { co, sent } = setup();
    co.add('r', { ...none, left: [member('a')] });
    co.add('r', { ...none, joined: [member('a', { back: true })] });
    co.flush();
    expect(sent[0]).toMatchObject({ joined: [], left: [], updated: [member('a', { back: true })] });
  });

  it('keeps members and rooms apart', () => {
    const { co, sent } = setup();
    co.add('r', { joined: [member('a')], left: [member('b')], updated: [member('c', { k: 1 })] });
    co.add('s', { ...none, updated: [member('a', { other: true })] });
    co.flush();
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({
      room: 'r',
      joined: [member('a')],
      left: [member('b')],
      updated: [member('c', { k: 1 })],
    });
    expect(sent[1]).toMatchObject({ room: 's', updated: [member('a', { other: true })] });
  });

  it('starts a new window after a flush, and stop() drops what is pending', () => {
    vi.useFakeTimers();
    const { co, sent } = setup(50);
    co.add('r', { ...none, joined: [member('a')] });
    vi.advanceTimersByTime(50);
    co.add('r', { ...none, updated: [member('a', { n: 2 })] });
    vi.advanceTimersByTime(50);
    expect(sent.map((m) => [m.joined.length, m.updated.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    co.add('r', { ...none, updated: [member('a', { n: 3 })] });
    co.stop();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });
});
