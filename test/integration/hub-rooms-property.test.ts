/**
 * Property: delivery follows membership. Over random joins, leaves and publishes no message ever
 * reaches a non-member, and every member gets every message once, in order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { startHub } from '../support/hub.js';
import { connectAs, roomsSeen } from '../support/room-clients.js';

describe('property: delivery follows membership', () => {
  type Kind = 'join' | 'leave' | 'publish';
  interface UserSpec {
    role: 'viewer' | 'editor';
    /** '*' · 'prefix' · a subset of the room indexes. */
    access: '*' | 'prefix' | number[];
  }
  const ROOM_COUNT = 4; // two under the prefix, one outside it, and user 0's personal room
  let run = 0;
  let propertyHub: Hub;
  // Random operations produce many refusals on purpose: a large error budget keeps them open.
  beforeAll(async () => {
    propertyHub = await startHub({ limits: { errorBudget: 100_000 } });
  });
  afterAll(() => propertyHub.close());

  it('no message ever reaches a non-member, and every member gets every message once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            role: fc.oneof(
              { arbitrary: fc.constant('editor' as const), weight: 3 },
              { arbitrary: fc.constant('viewer' as const), weight: 1 },
            ),
            access: fc.oneof(
              { arbitrary: fc.constant('*' as const), weight: 2 },
              { arbitrary: fc.constant('prefix' as const), weight: 2 },
              { arbitrary: fc.subarray([0, 1, 2], { minLength: 1 }), weight: 2 },
            ),
          }),
          { minLength: 2, maxLength: 4 },
        ),
        fc.array(
          fc.record({
            user: fc.nat(3),
            room: fc.nat(ROOM_COUNT - 1),
            kind: fc.constantFrom<Kind>('join', 'join', 'leave', 'publish', 'publish', 'publish'),
          }),
          { minLength: 10, maxLength: 60 },
        ),
        async (users: UserSpec[], ops) => {
          const id = ++run;
          const subs = users.map((_, i) => `prop${id}-u${i}`);
          const rooms = [`p${id}:a`, `p${id}:b`, `q${id}:c`, `user:${subs[0]}`];
          const patterns = (u: UserSpec): string[] =>
            u.access === '*' ? ['*'] : u.access === 'prefix' ? [`p${id}:*`] : u.access.map((i) => rooms[i]!);
          const allowed = (ui: number, ri: number): boolean => {
            const room = rooms[ri]!;
            if (room === `user:${subs[ui]}`) return true;
            const u = users[ui]!;
            // Someone else's personal room only through the rooms claim (here: `*`).
            if (room.startsWith('user:')) return u.access === '*';
            return u.access === '*' || (u.access === 'prefix' ? room.startsWith(`p${id}:`) : u.access.includes(ri));
          };

          const clients = await Promise.all(
            users.map((u, i) => connectAs(propertyHub, subs[i]!, { role: u.role, rooms: patterns(u) })),
          );
          try {
            const members = rooms.map(() => new Set<number>());
            const everJoined = users.map(() => new Set<string>());
            const expected = users.map(() => [] as number[]);
            let n = 0;
            for (const op of ops) {
              const ui = op.user % users.length;
              const c = clients[ui]!;
              const room = rooms[op.room]!;
              if (op.kind === 'join') {
                const answer = await c.request({ type: 'subscribe', room });
                if (allowed(ui, op.room)) {
                  expect(answer.type).toBe('ack');
                  members[op.room]!.add(ui);
                  everJoined[ui]!.add(room);
                } else {
                  expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
                }
              } else if (op.kind === 'leave') {
                expect((await c.request({ type: 'unsubscribe', room })).type).toBe('ack');
                members[op.room]!.delete(ui);
              } else {
                const value = ++n;
                const answer = await c.request({ type: 'publish', room, event: 'p', data: { n: value } });
                if (users[ui]!.role === 'editor' && allowed(ui, op.room)) {
                  expect(answer.type).toBe('ack');
                  for (const m of members[op.room]!) if (m !== ui) expected[m]!.push(value);
                } else {
                  expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
                }
              }
            }
            await Promise.all(clients.map((c) => c.pong()));
            clients.forEach((c, i) => {
              const got = c.received
                .filter((m): m is Extract<ServerMessage, { type: 'message' }> => m.type === 'message')
                .map((m) => (m.data as { n: number }).n);
              expect(got).toEqual(expected[i]);
              // Presence, too, only ever came from rooms this client was in.
              for (const room of roomsSeen(c)) expect(everJoined[i]!.has(room)).toBe(true);
            });
          } finally {
            for (const c of clients) c.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
