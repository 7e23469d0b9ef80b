/**
 * A room's stream delivers every seq once and in order: resumes drop overlap, a reset or an epoch
 * change is reported (never a silent gap), a hole asks for a resync, and one's own publish is
 * stepped over.
 */
import { describe, expect, it } from 'vitest';
import type { PresenceMember, RoomMessage, SubscribeAck } from '../../hub/protocol/index.js';
import { PresenceView } from '../../hub/client/presence.js';
import { RoomStream } from '../../hub/client/room-stream.js';

const msg = (seq: number, epoch = 'e1'): RoomMessage => ({
  type: 'message',
  room: 'r',
  epoch,
  seq,
  event: 'x',
  data: seq,
  from: { sub: 'u', name: 'U' },
  time: 0,
});
const ack = (epoch: string, seq: number, extra: Partial<SubscribeAck> = {}): SubscribeAck => ({
  room: 'r',
  epoch,
  seq,
  members: [],
  memberCount: 0,
  ...extra,
});

/** Seqs the app would get from feeding these messages. */
function feed(s: RoomStream, ...msgs: RoomMessage[]): { delivered: number[]; resync: boolean } {
  const delivered: number[] = [];
  let resync = false;
  for (const m of msgs) {
    const out = s.receive(m);
    delivered.push(...out.deliver.map((d) => d.seq));
    resync ||= out.resync;
  }
  return { delivered, resync };
}
const range = (from: number, to: number): RoomMessage[] =>
  Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

describe('RoomStream', () => {
  it('ignores messages before the first ack', () => {
    const s = new RoomStream();
    expect(feed(s, msg(1))).toEqual({ delivered: [], resync: false });
    expect(s.position).toBeNull();
  });

  it('starts after the room position on a first join and delivers the next seqs in order', () => {
    const s = new RoomStream();
    expect(s.acknowledge(ack('e1', 5), undefined)).toBeUndefined();
    expect(feed(s, msg(5), msg(6), msg(7))).toEqual({ delivered: [6, 7], resync: false });
    expect(s.position).toEqual({ epoch: 'e1', seq: 7 });
  });

  it('keeps its position on a recovered resume so the replay is delivered, and drops overlap', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 0), undefined);
    expect(feed(s, ...range(1, 3)).delivered).toEqual([1, 2, 3]);
    s.pause();
    expect(feed(s, msg(4)).delivered).toEqual([]);
    const since = s.since;
    expect(since).toEqual({ epoch: 'e1', seq: 3 });
    // The hub is at 9 now: 4..9 are replayed after this ack.
    expect(s.acknowledge(ack('e1', 9, { recovered: true }), since)).toBeUndefined();
    expect(feed(s, msg(2), msg(3), ...range(4, 9), msg(9))).toEqual({ delivered: [4, 5, 6, 7, 8, 9], resync: false });
    expect(s.position).toEqual({ epoch: 'e1', seq: 9 });
  });

  it('reports a reset and adopts the hub position on recovered:false', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 10), undefined);
    s.pause();
    expect(s.acknowledge(ack('e2', 3, { recovered: false, reason: 'epoch_changed' }), s.since)).toBe('epoch_changed');
    expect(s.position).toEqual({ epoch: 'e2', seq: 3 });
    expect(feed(s, msg(4, 'e2')).delivered).toEqual([4]);

    s.pause();
    expect(s.acknowledge(ack('e2', 900, { recovered: false, reason: 'evicted' }), s.since)).toBe('evicted');
    expect(feed(s, msg(901, 'e2')).delivered).toEqual([901]);
  });

  it('after evicted waits for a replay only when the subscribe asked for history (the hub sends none otherwise)', () => {
    const plain = new RoomStream();
    plain.acknowledge(ack('e1', 3), undefined);
    expect(plain.acknowledge(ack('e1', 50, { recovered: false, reason: 'evicted' }), plain.since)).toBe('evicted');
    expect(plain.catchingUp).toBe(false);

    const asked = new RoomStream();
    asked.acknowledge(ack('e1', 3), undefined, true);
    expect(asked.acknowledge(ack('e1', 50, { recovered: false, reason: 'evicted' }), asked.since, true)).toBe(
      'evicted',
    );
    expect(asked.catchingUp).toBe(true);
    expect(asked.receive(msg(49)).history).toBeUndefined();
    expect(asked.receive(msg(50)).history?.map((m) => m.seq)).toEqual([49, 50]);
    expect(feed(asked, msg(51)).delivered).toEqual([51]);
  });

  it('treats an epoch change that claims recovery as a reset (never a silent gap)', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 1), undefined);
    expect(s.acknowledge(ack('e9', 1, { recovered: true }), { epoch: 'e1', seq: 1 })).toBe('epoch_changed');
    expect(s.position).toEqual({ epoch: 'e9', seq: 1 });
  });

  it('asks for a resync on a skipped seq or a foreign epoch, and drops messages until the next ack', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 1), undefined);
    expect(feed(s, msg(3))).toEqual({ delivered: [], resync: true });
    expect(s.isLive).toBe(false);
    expect(feed(s, msg(2))).toEqual({ delivered: [], resync: false });
    expect(s.position).toEqual({ epoch: 'e1', seq: 1 });
    s.acknowledge(ack('e1', 3, { recovered: true }), s.since);
    expect(feed(s, msg(2), msg(3))).toEqual({ delivered: [2, 3], resync: false });
    expect(feed(s, msg(4, 'other'))).toEqual({ delivered: [], resync: true });
  });

  it('steps over its own publish without echo, even when the ack comes after later messages', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 0), undefined);
    s.publishing();
    // Seq 1 is ours and never comes back; 2 and 3 wait for the ack instead of causing a resync.
    expect(feed(s, msg(2), msg(3))).toEqual({ delivered: [], resync: false });
    const out = s.published({ epoch: 'e1', seq: 1 });
    expect(out.deliver.map((m) => m.seq)).toEqual([2, 3]);
    expect(out.resync).toBe(false);
    // Ack first, then the rest.
    s.publishing();
    expect(s.published({ epoch: 'e1', seq: 4 }).deliver).toEqual([]);
    expect(feed(s, msg(5))).toEqual({ delivered: [5], resync: false });
    expect(s.position).toEqual({ epoch: 'e1', seq: 5 });
  });

  it('resyncs when the own publish that held messages back fails (its hole is not explained)', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 0), undefined);
    s.publishing();
    expect(feed(s, msg(2)).resync).toBe(false);
    expect(s.publishFailed()).toEqual({ deliver: [], resync: true });
  });

  it('does not hand an own publish to the app when a replay contains it', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 0), undefined);
    s.publishing();
    expect(feed(s, msg(2))).toEqual({ delivered: [], resync: false });
    s.published({ epoch: 'e1', seq: 1 });
    s.publishing();
    s.published({ epoch: 'e1', seq: 4 });
    // The connection drops before seq 3 arrives; the resume replays 3, 4 (ours) and 5.
    s.pause();
    s.acknowledge(ack('e1', 5, { recovered: true }), s.since);
    expect(feed(s, msg(3), msg(4), msg(5))).toEqual({ delivered: [3, 5], resync: false });
  });
});

const member = (clientId: string, state = {}): PresenceMember => ({ clientId, sub: clientId, name: clientId, state });

describe('PresenceView', () => {
  it('applies joined, updated and left', () => {
    const v = new PresenceView();
    v.apply({ type: 'presence', room: 'r', joined: [member('a'), member('b')], left: [], updated: [] });
    v.apply({ type: 'presence', room: 'r', joined: [], left: [member('a')], updated: [member('b', { view: 'w1' })] });
    expect(v.members).toEqual([member('b', { view: 'w1' })]);
  });

  it("takes a resubscribe ack's list as the truth and reports the difference", () => {
    const v = new PresenceView();
    v.replace({ members: [member('a'), member('b'), member('c', { typing: true })], memberCount: 3 });
    const change = v.replace({ members: [member('b'), member('c', { typing: false }), member('d')], memberCount: 3 });
    expect(change.joined).toEqual([member('d')]);
    expect(change.left).toEqual([member('a')]);
    expect(change.updated).toEqual([member('c', { typing: false })]);
    expect(v.members.map((m) => m.clientId).sort()).toEqual(['b', 'c', 'd']);
  });
});

describe('RoomStream for hub rooms ($admin)', () => {
  it('delivers every event while subscribed, with no position and no replay', () => {
    const s = new RoomStream(false);
    expect(feed(s, msg(1)).delivered).toEqual([]);
    expect(s.acknowledge(ack('', 0), undefined)).toBeUndefined();
    const stats = { ...msg(0), seq: undefined as unknown as number, epoch: undefined as unknown as string };
    expect(s.receive(stats).deliver).toEqual([stats]);
    expect(s.receive(stats).deliver).toEqual([stats]);
    expect(s.since).toBeUndefined();
    s.pause();
    expect(s.receive(stats).deliver).toEqual([]);
  });
});
