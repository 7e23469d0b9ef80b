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
  ...extra,
});

describe('RoomStream', () => {
  it('ignores messages before the first ack', () => {
    const s = new RoomStream();
    expect(s.judge(msg(1))).toBe('ignore');
    expect(s.position).toBeNull();
  });

  it('starts after the room position on a first join and delivers the next seqs in order', () => {
    const s = new RoomStream();
    expect(s.acknowledge(ack('e1', 5), undefined)).toBeUndefined();
    expect(s.judge(msg(5))).toBe('duplicate');
    expect(s.judge(msg(6))).toBe('deliver');
    expect(s.judge(msg(7))).toBe('deliver');
    expect(s.position).toEqual({ epoch: 'e1', seq: 7 });
  });

  it('keeps its position on a recovered resume so the replay is delivered, and drops overlap', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 0), undefined);
    for (let i = 1; i <= 3; i++) expect(s.judge(msg(i))).toBe('deliver');
    s.pause();
    expect(s.judge(msg(4))).toBe('ignore');
    const since = s.since;
    expect(since).toEqual({ epoch: 'e1', seq: 3 });
    // The hub is at 9 now: 4..9 are replayed after this ack.
    expect(s.acknowledge(ack('e1', 9, { recovered: true }), since)).toBeUndefined();
    expect(s.judge(msg(2))).toBe('duplicate');
    expect(s.judge(msg(3))).toBe('duplicate');
    for (let i = 4; i <= 9; i++) expect(s.judge(msg(i))).toBe('deliver');
    expect(s.judge(msg(9))).toBe('duplicate');
    expect(s.position).toEqual({ epoch: 'e1', seq: 9 });
  });

  it('reports a reset and adopts the hub position on recovered:false', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 10), undefined);
    s.pause();
    expect(s.acknowledge(ack('e2', 3, { recovered: false, reason: 'epoch_changed' }), s.since)).toBe('epoch_changed');
    expect(s.position).toEqual({ epoch: 'e2', seq: 3 });
    expect(s.judge(msg(4, 'e2'))).toBe('deliver');

    s.pause();
    expect(s.acknowledge(ack('e2', 900, { recovered: false, reason: 'evicted' }), s.since)).toBe('evicted');
    expect(s.judge(msg(901, 'e2'))).toBe('deliver');
  });

  it('treats an epoch change that claims recovery as a reset (never a silent gap)', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 1), undefined);
    expect(s.acknowledge(ack('e9', 1, { recovered: true }), { epoch: 'e1', seq: 1 })).toBe('epoch_changed');
    expect(s.position).toEqual({ epoch: 'e9', seq: 1 });
  });

  it('flags a skipped seq or a foreign epoch as a gap without moving', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 1), undefined);
    expect(s.judge(msg(3))).toBe('gap');
    expect(s.judge(msg(2, 'other'))).toBe('gap');
    expect(s.position).toEqual({ epoch: 'e1', seq: 1 });
    expect(s.judge(msg(2))).toBe('deliver');
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
    v.replace([member('a'), member('b'), member('c', { typing: true })]);
    const change = v.replace([member('b'), member('c', { typing: false }), member('d')]);
    expect(change.joined).toEqual([member('d')]);
    expect(change.left).toEqual([member('a')]);
    expect(change.updated).toEqual([member('c', { typing: false })]);
    expect(v.members.map((m) => m.clientId).sort()).toEqual(['b', 'c', 'd']);
  });
});
