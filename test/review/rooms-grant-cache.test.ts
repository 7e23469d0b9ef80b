/**
 * Review: room grants are compiled once and shared through a module-level cache keyed by the joined
 * patterns, and the personal room is kept per token. No two different grants may share an entry,
 * the personal room of one token must never leak to another with the same patterns, and the cache
 * must stay bounded and correct after it is cleared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HubError,
  RoomAccess,
  checkRoomsClaim,
  isValidRoomName,
  isValidRoomPattern,
  personalRoom,
} from '../../hub/protocol/index.js';

/** What a list of patterns allows, computed the slow, obvious way. */
function reference(patterns: string[], personal: string | undefined, room: string): boolean {
  if (room.startsWith('$')) return false;
  if (room === personal) return true;
  return patterns.some((p) => p === '*' || (p.endsWith('*') ? room.startsWith(p.slice(0, -1)) : p === room));
}

describe('grant cache', () => {
  it('a pattern can never contain the space that joins the cache key', () => {
    for (const p of ['a b', 'a b*', ' a', 'a ', 'a\tb', 'a\nb', 'a\u00a0b', 'dash board:*']) {
      expect(isValidRoomPattern(p)).toBe(false);
      expect(() => checkRoomsClaim([p])).toThrow(HubError);
    }
  });

  it('["a b"] is refused as a claim, so it cannot share the key of ["a", "b"]', () => {
    expect(() => checkRoomsClaim(['a b'])).toThrow(HubError);
    const two = new RoomAccess(checkRoomsClaim(['a', 'b']));
    expect(two.allows('a')).toBe(true);
    expect(two.allows('b')).toBe(true);
    expect(two.allows('a b')).toBe(false);
  });

  it('the personal room is per token, not per shared grant', () => {
    const alice = new RoomAccess(['dashboard:*'], personalRoom('alice'));
    const bob = new RoomAccess(['dashboard:*'], personalRoom('bob'));
    expect(alice.allows('user:alice')).toBe(true);
    expect(alice.allows('user:bob')).toBe(false);
    expect(bob.allows('user:bob')).toBe(true);
    expect(bob.allows('user:alice')).toBe(false);
    // A grant built first with a personal room does not carry it to a later token without one.
    const none = new RoomAccess(['dashboard:*']);
    expect(none.allows('user:alice')).toBe(false);
  });

  it('$admin and other $ rooms are never allowed, whatever the grant', () => {
    for (const patterns of [['*'], ['$admin'], ['$*'], ['$admin*']]) {
      const access = new RoomAccess(patterns, personalRoom('$admin'));
      expect(access.allows('$admin')).toBe(false);
      expect(access.allows('$anything')).toBe(false);
    }
    expect(isValidRoomPattern('$admin')).toBe(false);
    expect(isValidRoomPattern('$*')).toBe(false);
  });

  it('stays bounded and right across thousands of distinct grants (the cache is cleared and refilled)', () => {
    const accesses: Array<[RoomAccess, string]> = [];
    for (let i = 0; i < 5000; i++) {
      accesses.push([new RoomAccess([`r${i}`, `p${i}:*`], personalRoom(`u${i}`)), `${i}`]);
    }
    for (const [access, i] of accesses) {
      expect(access.allows(`r${i}`)).toBe(true);
      expect(access.allows(`p${i}:x`)).toBe(true);
      expect(access.allows(`user:u${i}`)).toBe(true);
      const j = String((Number(i) + 1) % 5000);
      expect(access.allows(`r${j}`)).toBe(false);
      expect(access.allows(`user:u${j}`)).toBe(false);
    }
  });

  it('agrees with a reference matcher for random valid grants, rooms and subs (property)', () => {
    const chars = fc.constantFrom(...'ab:.-_@1'.split(''));
    const name = fc.string({ unit: chars, minLength: 1, maxLength: 6 });
    const pattern = fc.oneof(
      name,
      name.map((n) => `${n}*`),
      fc.constant('*'),
    );
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 5 }),
        fc.option(name, { nil: undefined }),
        fc.array(name, { minLength: 1, maxLength: 10 }),
        (patterns, sub, rooms) => {
          const claim = checkRoomsClaim(patterns);
          const personal = sub === undefined ? undefined : personalRoom(sub);
          const access = new RoomAccess(claim, personal);
          for (const room of [...rooms, ...rooms.map((r) => `user:${r}`), '$admin']) {
            if (!isValidRoomName(room)) continue;
            expect(access.allows(room)).toBe(reference(claim, personal, room));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
