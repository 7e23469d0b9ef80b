/** The SDK's presence view in big rooms: exact count from the ack and every diff, pages on request. */
import { describe, expect, it } from 'vitest';
import { PresenceView } from '../../hub/client/presence.js';
import type { PresenceMember, PresenceMessage } from '../../hub/protocol/index.js';

const member = (clientId: string, state = {}): PresenceMember => ({ clientId, sub: clientId, name: clientId, state });
const diff = (d: Partial<PresenceMessage>): PresenceMessage => ({
  type: 'presence',
  room: 'r',
  joined: [],
  left: [],
  updated: [],
  ...d,
});

describe('PresenceView with pages', () => {
  it('takes the count and cursor from the ack, and each diff’s count as the new count', () => {
    const v = new PresenceView();
    v.replace({ members: [member('a'), member('b')], memberCount: 250, membersNext: 'c1' });
    expect(v.count).toBe(250);
    expect(v.complete).toBe(false);
    // A diff may repeat a join the ack already had: the count comes from the diff, not from adding.
    v.apply(diff({ joined: [member('b'), member('z')], left: [member('q')], count: 250 }));
    expect(v.count).toBe(250);
    expect(v.members.map((m) => m.clientId)).toEqual(['a', 'b', 'z']);
  });

  it('adds fetched pages until complete; the diffs keep the full roster after that', () => {
    const v = new PresenceView();
    v.replace({ members: [member('a')], memberCount: 3, membersNext: 'c1' });
    const change = v.addPage([member('b'), member('a')], 'c2');
    expect(change.joined).toEqual([member('b')]);
    v.addPage([member('c')], undefined);
    expect(v.complete).toBe(true);
    v.apply(diff({ left: [member('b')], updated: [member('c', { typing: true })], count: 2 }));
    expect(v.members).toEqual([member('a'), member('c', { typing: true })]);
    expect(v.count).toBe(2);
  });

  it('after a resubscribe to a big room keeps only the new first page, without reporting the rest as left', () => {
    const v = new PresenceView();
    v.replace({ members: [member('a')], memberCount: 3, membersNext: 'c1' });
    v.addPage([member('b'), member('c')], undefined);
    const change = v.replace({ members: [member('a')], memberCount: 3, membersNext: 'c9' });
    expect(change).toEqual({ joined: [], left: [], updated: [] });
    expect(v.members).toEqual([member('a')]);
    expect(v.next).toBe('c9');
  });

  it('reports members gone when a resubscribe ack holds the whole roster', () => {
    const v = new PresenceView();
    v.replace({ members: [member('a'), member('b')], memberCount: 2 });
    const change = v.replace({ members: [member('b')], memberCount: 1 });
    expect(change.left).toEqual([member('a')]);
    expect(v.count).toBe(1);
  });
});
