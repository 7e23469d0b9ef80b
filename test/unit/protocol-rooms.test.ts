/**
 * A room is allowed only by a matching grant or the token's own personal room, never a `$` room;
 * names and patterns take exactly the documented alphabet; every error and close code has its
 * status and policy; tokens with the same grant share one frozen copy of its patterns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROOM,
  CloseCode,
  HTTP_STATUS,
  HubError,
  RoomAccess,
  checkRoomsClaim,
  closePolicy,
  isHubRoom,
  isValidRoomName,
  isValidRoomPattern,
  personalRoom,
} from '../../hub/protocol/index.js';

describe('room names', () => {
  it('accepts 1–128 of A-Z a-z 0-9 _ . : @ - and $admin', () => {
    for (const ok of ['a', 'dashboard:42', 'user:alice@example.com', 'A_b.c-d', 'x'.repeat(128), ADMIN_ROOM])
      expect(isValidRoomName(ok)).toBe(true);
  });

  it('refuses everything else', () => {
    for (const bad of ['', 'x'.repeat(129), 'a b', 'a/b', 'ä', 'a*', '$other', '$', 'room\n', 5, null, undefined]) {
      expect(isValidRoomName(bad)).toBe(false);
    }
  });

  it('knows hub rooms and personal rooms', () => {
    expect(isHubRoom('$admin')).toBe(true);
    expect(isHubRoom('admin')).toBe(false);
    expect(personalRoom('alice')).toBe('user:alice');
  });
});

describe('room patterns', () => {
  it('accepts exact names, prefix* and *', () => {
    for (const ok of ['*', 'dashboard:*', 'dashboard:42', 'a*']) expect(isValidRoomPattern(ok)).toBe(true);
  });
  it('refuses empty, wildcards elsewhere, bad characters and $ rooms', () => {
    for (const bad of ['', '**', '*a', 'a*b*', 'a b*', '$admin', '$*', 'x'.repeat(130), 1])
      expect(isValidRoomPattern(bad)).toBe(false);
  });
});

describe('RoomAccess', () => {
  it('allows exact names, prefixes and everything for *', () => {
    const access = new RoomAccess(['dashboard:42', 'team:*']);
    expect(access.allows('dashboard:42')).toBe(true);
    expect(access.allows('dashboard:420')).toBe(false);
    expect(access.allows('team:')).toBe(true);
    expect(access.allows('team:a:b')).toBe(true);
    expect(access.allows('team')).toBe(false);
    expect(new RoomAccess(['*']).allows('anything:at-all')).toBe(true);
    expect(new RoomAccess([]).allows('dashboard:42')).toBe(false);
  });

  it('always allows its owner’s personal room, and nobody else’s', () => {
    const access = new RoomAccess([], 'alice');
    expect(access.allows('user:alice')).toBe(true);
    expect(access.allows('user:bob')).toBe(false);
    expect(access.allows('user:alice2')).toBe(false);
    // Matched as the whole name: a sub that ends another's is not that other's room.
    expect(new RoomAccess([], 'ice').allows('user:alice')).toBe(false);
    expect(new RoomAccess([], 'user:alice').allows('user:alice')).toBe(false);
  });

  it('never allows a $ room, not even with *', () => {
    expect(new RoomAccess(['*']).allows(ADMIN_ROOM)).toBe(false);
    expect(new RoomAccess(['$admin']).allows(ADMIN_ROOM)).toBe(false);
  });

  it('agrees with a straightforward reading of the patterns (property)', () => {
    const name = fc.stringMatching(/^[a-c:]{1,6}$/);
    const pattern = fc.oneof(
      name,
      name.map((n) => `${n}*`),
      fc.constant('*'),
    );
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 5 }), name, (patterns, room) => {
        const expected = patterns.some(
          (p) => p === '*' || p === room || (p.endsWith('*') && room.startsWith(p.slice(0, -1))),
        );
        expect(new RoomAccess(patterns).allows(room)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('codes', () => {
  it('maps every error code to an HTTP status', () => {
    expect(HTTP_STATUS).toMatchObject({
      bad_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      too_large: 413,
      rate_limited: 429,
      unavailable: 503,
    });
    const err = new HubError('too_large', 'big');
    expect(err.status).toBe(413);
    expect(new HubError('forbidden', 'x', 418).status).toBe(418);
  });

  it('gives the client SDK a policy for every close code of the protocol', () => {
    expect(closePolicy(CloseCode.normal)).toBe('stop');
    expect(closePolicy(CloseCode.goingAway)).toBe('resume-after-notice');
    for (const c of [
      CloseCode.unsupportedData,
      CloseCode.invalidPayload,
      CloseCode.tooBig,
      CloseCode.policy,
      CloseCode.internal,
      CloseCode.overloaded,
      CloseCode.rateLimited,
      1006,
    ]) {
      expect(closePolicy(c)).toBe('reconnect');
    }
    expect(closePolicy(CloseCode.tokenInvalid)).toBe('new-token');
    expect(closePolicy(CloseCode.forbidden)).toBe('stop');
    expect(closePolicy(CloseCode.kicked)).toBe('stop');
    expect(closePolicy(CloseCode.banned)).toBe('stop');
    expect(closePolicy(CloseCode.slowConsumer)).toBe('resume-now');
  });
});

/** What a list of patterns allows, computed the slow, obvious way. */
function reference(patterns: string[], personal: string | undefined, room: string): boolean {
  if (room.startsWith('$')) return false;
  if (room === personal) return true;
  return patterns.some((p) => p === '*' || (p.endsWith('*') ? room.startsWith(p.slice(0, -1)) : p === room));
}

/**
 * Grants are compiled once and shared by a cache keyed by the joined patterns; the personal room is
 * kept per token. No two different grants may share an entry, and the cache stays right once cleared.
 */
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

  it('tokens with the same patterns share one frozen copy of them, equal to what each token said', () => {
    const first = ['dashboard:*', 'team:7'];
    const a = new RoomAccess(first, 'alice');
    const b = new RoomAccess(['dashboard:*', 'team:7'], 'bob');
    expect(a.patterns).toEqual(first);
    expect(b.patterns).toBe(a.patterns);
    expect(Object.isFrozen(a.patterns)).toBe(true);
    // The copy is the grant's own: changing the token's array afterwards changes nothing.
    first.push('other:*');
    expect(a.patterns).toEqual(['dashboard:*', 'team:7']);
  });

  it('the personal room is per token, not per shared grant', () => {
    const alice = new RoomAccess(['dashboard:*'], 'alice');
    const bob = new RoomAccess(['dashboard:*'], 'bob');
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
      const access = new RoomAccess(patterns, '$admin');
      expect(access.allows('$admin')).toBe(false);
      expect(access.allows('$anything')).toBe(false);
    }
    expect(isValidRoomPattern('$admin')).toBe(false);
    expect(isValidRoomPattern('$*')).toBe(false);
  });

  it('stays bounded and right across thousands of distinct grants (the cache is cleared and refilled)', () => {
    const accesses: Array<[RoomAccess, string]> = [];
    for (let i = 0; i < 5000; i++) {
      accesses.push([new RoomAccess([`r${i}`, `p${i}:*`], `u${i}`), `${i}`]);
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
          const access = new RoomAccess(claim, sub);
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
