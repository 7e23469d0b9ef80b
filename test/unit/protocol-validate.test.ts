/**
 * Every client frame is parsed into exactly its message type's fields (sender fields never let
 * through), ids bounded and echoed only when valid, nesting limited, and a malformed `since`
 * failing closed.
 */
import { describe, expect, it } from 'vitest';
import {
  HubError,
  MAX_JSON_DEPTH,
  checkRoomsClaim,
  isPlainObject,
  isRole,
  jsonDepthExceeds,
  parseClientMessage,
  parseSince,
  requestIdOf,
} from '../../hub/protocol/index.js';

function refusal(text: string): { code: string; id: string | undefined; message: string } {
  try {
    parseClientMessage(text);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return { code: (err as HubError).code, id: requestIdOf(err), message: (err as HubError).message };
  }
  throw new Error(`accepted: ${text}`);
}

const parse = (msg: object): ReturnType<typeof parseClientMessage> => parseClientMessage(JSON.stringify(msg));

describe('parseClientMessage', () => {
  it('accepts each message type and keeps only its fields', () => {
    expect(parse({ type: 'subscribe', room: 'dashboard:1', id: 'a' })).toEqual({
      type: 'subscribe',
      room: 'dashboard:1',
      since: undefined,
      id: 'a',
    });
    expect(parse({ type: 'subscribe', room: 'd', since: { epoch: 'e1', seq: 4 } })).toEqual({
      type: 'subscribe',
      room: 'd',
      since: { epoch: 'e1', seq: 4 },
    });
    expect(parse({ type: 'unsubscribe', room: 'd', extra: 1 })).toEqual({ type: 'unsubscribe', room: 'd' });
    expect(parse({ type: 'publish', room: 'd', event: 'query.rows', data: { rows: [[1, 'a']] } })).toEqual({
      type: 'publish',
      room: 'd',
      event: 'query.rows',
      data: { rows: [[1, 'a']] },
      echo: false,
    });
    expect(parse({ type: 'publish', room: 'd', event: 'e', data: null, echo: true })).toMatchObject({
      data: null,
      echo: true,
    });
    expect(parse({ type: 'presence', room: 'd', state: { typing: true } })).toEqual({
      type: 'presence',
      room: 'd',
      state: { typing: true },
    });
    expect(parse({ type: 'ping', id: 'p' })).toEqual({ type: 'ping', id: 'p' });
    expect(parse({ type: 'auth', token: 'abc' })).toEqual({ type: 'auth', token: 'abc' });
    expect(parse({ type: 'admin', action: 'kick', sub: 'bob', reason: 'x' })).toMatchObject({
      type: 'admin',
      action: 'kick',
      sub: 'bob',
    });
  });

  it('does not let sender fields through a publish', () => {
    const msg = parse({ type: 'publish', room: 'd', event: 'e', data: 1, from: { sub: 'ceo' }, time: 1 });
    expect(msg).not.toHaveProperty('from');
    expect(msg).not.toHaveProperty('time');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['a number', '1'],
  ])('refuses %s with bad_request and no id', (_what, text) => {
    expect(refusal(text)).toMatchObject({ code: 'bad_request', id: undefined });
  });

  it.each([
    ['no type', { id: 'q' }],
    ['a numeric type', { id: 'q', type: 1 }],
    ['an unknown type', { id: 'q', type: 'shout' }],
    ['an inherited property as type', { id: 'q', type: 'toString' }],
    ['__proto__ as type', { id: 'q', type: '__proto__' }],
    ['subscribe without room', { id: 'q', type: 'subscribe' }],
    ['a room with a slash', { id: 'q', type: 'subscribe', room: 'a/b' }],
    ['a room of 129 characters', { id: 'q', type: 'subscribe', room: 'x'.repeat(129) }],
    ['an unknown $ room', { id: 'q', type: 'subscribe', room: '$stats' }],
    ['publish without event', { id: 'q', type: 'publish', room: 'd', data: 1 }],
    ['publish with an empty event', { id: 'q', type: 'publish', room: 'd', event: '', data: 1 }],
    ['publish with a bad event', { id: 'q', type: 'publish', room: 'd', event: 'a b', data: 1 }],
    ['publish without data', { id: 'q', type: 'publish', room: 'd', event: 'e' }],
    ['publish with a non-boolean echo', { id: 'q', type: 'publish', room: 'd', event: 'e', data: 1, echo: 1 }],
    ['presence with an array state', { id: 'q', type: 'presence', room: 'd', state: [] }],
    ['presence with a null state', { id: 'q', type: 'presence', room: 'd', state: null }],
    ['auth with an empty token', { id: 'q', type: 'auth', token: '' }],
    ['auth with a huge token', { id: 'q', type: 'auth', token: 'x'.repeat(16385) }],
    ['admin without action', { id: 'q', type: 'admin' }],
    ['admin with an unknown action', { id: 'q', type: 'admin', action: 'shutdown' }],
  ])('refuses %s with bad_request and echoes the id', (_what, msg) => {
    expect(refusal(JSON.stringify(msg))).toMatchObject({ code: 'bad_request', id: 'q' });
  });

  it('accepts an id of 64 characters and refuses 65 or a non-string (without echoing it)', () => {
    expect(parse({ type: 'ping', id: 'x'.repeat(64) }).id).toBe('x'.repeat(64));
    expect(refusal(JSON.stringify({ type: 'ping', id: 'x'.repeat(65) }))).toMatchObject({
      code: 'bad_request',
      id: undefined,
    });
    expect(refusal(JSON.stringify({ type: 'ping', id: 7 }))).toMatchObject({ code: 'bad_request', id: undefined });
  });

  it('keeps a malformed since as null (the hub answers recovered: false)', () => {
    for (const since of [
      'x',
      5,
      null,
      [],
      { epoch: 'e' },
      { seq: 1 },
      { epoch: '', seq: 1 },
      { epoch: 'e', seq: -1 },
      { epoch: 'e', seq: 1.5 },
      { epoch: 'e'.repeat(65), seq: 1 },
    ]) {
      expect(parse({ type: 'subscribe', room: 'd', since })).toMatchObject({ since: null });
    }
  });

  it('limits nesting of data and state to 32 levels', () => {
    const nest = (depth: number): unknown => {
      let v: unknown = 0;
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    };
    expect(parse({ type: 'publish', room: 'd', event: 'e', data: nest(MAX_JSON_DEPTH) }).type).toBe('publish');
    expect(
      refusal(JSON.stringify({ id: 'n', type: 'publish', room: 'd', event: 'e', data: nest(MAX_JSON_DEPTH + 1) })),
    ).toMatchObject({ code: 'bad_request', id: 'n' });
    expect(
      refusal(JSON.stringify({ id: 'n', type: 'presence', room: 'd', state: { a: nest(MAX_JSON_DEPTH) } })),
    ).toMatchObject({ code: 'bad_request' });
  });
});

describe('helpers', () => {
  it('parseSince', () => {
    expect(parseSince(undefined)).toBeUndefined();
    expect(parseSince({ epoch: 'e', seq: 0 })).toEqual({ epoch: 'e', seq: 0 });
    expect(parseSince({ epoch: 'e', seq: Number.MAX_SAFE_INTEGER + 1 })).toBeNull();
    expect(parseSince({ epoch: 3, seq: 0 })).toBeNull();
  });

  it('jsonDepthExceeds counts arrays and objects and stops early on huge inputs', () => {
    expect(jsonDepthExceeds(1, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 1)).toBe(false);
    expect(jsonDepthExceeds({ a: {} }, 1)).toBe(true);
    expect(jsonDepthExceeds([[[]]], 3)).toBe(false);
    expect(jsonDepthExceeds([[[]]], 2)).toBe(true);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepthExceeds(deep, 32)).toBe(true);
  });

  it('checkRoomsClaim', () => {
    expect(checkRoomsClaim(undefined)).toEqual([]);
    expect(checkRoomsClaim(['dashboard:*', 'user:a', '*'])).toEqual(['dashboard:*', 'user:a', '*']);
    for (const bad of ['dashboard:*', [1], ['a b'], ['**'], ['$admin'], new Array(257).fill('a')]) {
      expect(() => checkRoomsClaim(bad)).toThrow(HubError);
    }
  });

  it('isRole and isPlainObject', () => {
    expect(['viewer', 'editor', 'admin', 'service'].every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});
