/**
 * The join's history: after a first join that asked for history, or after a reset, the messages up
 * to the ack's position are the answer's history (in order, once) and never reach `on()`; what
 * comes after the position is delivered as usual.
 */
import { describe, expect, it } from 'vitest';
import type { RoomMessage, SubscribeAck } from '../../hub/protocol/index.js';
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

describe('RoomStream join history', () => {
  it('collects the replay up to the join position, then delivers what follows', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 3), undefined, true);
    expect(s.catchingUp).toBe(true);
    expect(s.receive(msg(2))).toEqual({ deliver: [], resync: false });
    const last = s.receive(msg(3));
    expect(last.deliver).toEqual([]);
    expect(last.history?.map((m) => m.seq)).toEqual([2, 3]);
    expect(s.catchingUp).toBe(false);
    expect(s.receive(msg(4)).deliver.map((m) => m.seq)).toEqual([4]);
  });

  it('a live message past the position ends the history (a hub that replays less than it holds)', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 5), undefined, true);
    s.receive(msg(5 - 1));
    const out = s.receive(msg(6));
    expect(out.history?.map((m) => m.seq)).toEqual([4]);
    expect(out.deliver.map((m) => m.seq)).toEqual([6]);
  });

  it('keeps no duplicate in the history and expects none in an empty room', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 2), undefined, true);
    s.receive(msg(1));
    s.receive(msg(1));
    expect(s.receive(msg(2)).history?.map((m) => m.seq)).toEqual([1, 2]);
    const empty = new RoomStream();
    empty.acknowledge(ack('e1', 0), undefined, true);
    expect(empty.catchingUp).toBe(false);
  });

  it('a first join without history expects none; a reset always takes the new epoch’s replay as history', () => {
    const plain = new RoomStream();
    plain.acknowledge(ack('e1', 3), undefined);
    expect(plain.catchingUp).toBe(false);
    expect(plain.receive(msg(3)).deliver).toEqual([]);

    const s = new RoomStream();
    s.acknowledge(ack('e1', 10), undefined);
    expect(s.acknowledge(ack('e2', 2, { recovered: false, reason: 'epoch_changed' }), s.since)).toBe('epoch_changed');
    expect(s.catchingUp).toBe(true);
    s.receive(msg(1, 'e2'));
    expect(s.receive(msg(2, 'e2')).history?.map((m) => [m.epoch, m.seq])).toEqual([
      ['e2', 1],
      ['e2', 2],
    ]);
    expect(s.receive(msg(3, 'e2')).deliver.map((m) => m.seq)).toEqual([3]);
  });

  it('finishHistory hands over what came so far (the room gives up waiting)', () => {
    const s = new RoomStream();
    s.acknowledge(ack('e1', 9), undefined, true);
    s.receive(msg(7));
    expect(s.finishHistory().map((m) => m.seq)).toEqual([7]);
    expect(s.catchingUp).toBe(false);
    expect(s.receive(msg(10)).deliver.map((m) => m.seq)).toEqual([10]);
  });
});
