/**
 * In big rooms (memory and Redis engines) the subscribe ack carries a bounded first page of members
 * with the count and a cursor, `members` pages the rest, and a join storm reaches a member as a
 * bounded number of presence frames whose sum is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceMember, PresenceMessage, ServerMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { connect, startHub, token, until, type TestClient } from '../support/hub.js';

const BIG_ROOM = 10;
const BIG_ROOM_MS = 400;
type Ack = ServerMessage & { members: PresenceMember[]; memberCount: number; membersNext?: string; next?: string };

for (const engine of ['memory', 'redis'] as const) {
  describe(`big rooms (${engine} engine)`, { timeout: 120_000 }, () => {
    let hub: Hub;
    let redis: RedisServerHandle | undefined;
    const open: TestClient[] = [];

    beforeAll(async () => {
      if (engine === 'redis') redis = await startRedisServer();
      hub = await startHub({
        redis: redis?.url,
        presenceBigRoom: BIG_ROOM,
        presenceBigRoomMs: BIG_ROOM_MS,
        limits: { maxConnectionsPerUser: 1000, maxConnectionsPerIp: 5000 },
      });
    }, 60_000);

    afterAll(async () => {
      for (const c of open) c.ws.terminate();
      await hub.close();
      await redis?.stop();
    }, 60_000);

    async function client(sub: string, rooms = ['big:*']): Promise<TestClient> {
      const c = await connect(hub, await token(hub, { sub, role: 'viewer', rooms }));
      open.push(c);
      return c;
    }

    async function subscribe(c: TestClient, room: string): Promise<Ack> {
      const ack = (await c.request({ type: 'subscribe', room })) as Ack;
      expect(ack.type).toBe('ack');
      return ack;
    }

    /** `n` members in `room`, joining 20 at a time. */
    async function fill(room: string, n: number, prefix: string): Promise<TestClient[]> {
      const out: TestClient[] = [];
      for (let i = 0; i < n; i += 20) {
        out.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
              const c = await client(`${prefix}-${i + k}`);
              await subscribe(c, room);
              return c;
            }),
          )),
        );
      }
      return out;
    }

    /** Every member, from the first page on, following `next`. */
    async function pageAll(c: TestClient, room: string): Promise<PresenceMember[]> {
      const all: PresenceMember[] = [];
      let cursor: string | undefined;
      do {
        const page = (await c.request({ type: 'members', room, ...(cursor ? { cursor } : {}) })) as Ack;
        expect(page).toMatchObject({ type: 'ack', room });
        expect(page.members.length).toBeLessThanOrEqual(100);
        all.push(...page.members);
        cursor = page.next;
      } while (cursor);
      return all;
    }

    function presenceFrames(c: TestClient, room: string): PresenceMessage[] {
      return c.received.filter((m): m is PresenceMessage => m.type === 'presence' && m.room === room);
    }

    it('answers subscribe with the first 100 members, memberCount and a cursor; members pages through the rest exactly', async () => {
      const room = 'big:paged';
      const members = await fill(room, 130, 'paged');
      const late = await client('paged-late');
      const ack = await subscribe(late, room);
      expect(ack.members).toHaveLength(100);
      expect(ack.memberCount).toBe(131);
      expect(typeof ack.membersNext).toBe('string');

      const rest = (await late.request({ type: 'members', room, cursor: ack.membersNext })) as Ack;
      expect(rest.type).toBe('ack');
      expect(rest.members).toHaveLength(31);
      expect(rest.next).toBeUndefined();
      const seen = [...ack.members, ...rest.members].map((m) => m.clientId);
      const expected = [...members, late].map((c) => c.welcome.clientId);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(expected.sort());
      // A member with state shows it on its page.
      expect(rest.members.find((m) => m.clientId === late.welcome.clientId)).toMatchObject({
        sub: 'paged-late',
        state: {},
      });
    });

    it("pages a big room's members for the console (admin list room with cursor)", async () => {
      const room = 'big:console';
      const members = await fill(room, 120, 'console');
      const admin = await connect(hub, await token(hub, { sub: 'root', role: 'admin', rooms: ['*'] }));
      open.push(admin);
      const first = (await admin.request({ type: 'admin', action: 'list', what: 'room', room })) as Ack;
      expect(first).toMatchObject({ type: 'ack', memberCount: 120 });
      expect(first.members).toHaveLength(100);
      const second = (await admin.request({
        type: 'admin',
        action: 'list',
        what: 'room',
        room,
        cursor: first.membersNext,
      })) as Ack;
      expect(second.members).toHaveLength(20);
      expect(second.membersNext).toBeUndefined();
      expect([...first.members, ...second.members].map((m) => m.clientId).sort()).toEqual(
        members.map((c) => c.welcome.clientId).sort(),
      );
      const bad = await admin.request({ type: 'admin', action: 'list', what: 'room', room, cursor: 'x.y' });
      expect(bad).toMatchObject({ type: 'error', code: 'bad_request' });
    });

    it('refuses a bad cursor (bad_request), a room outside the token (forbidden) and a room not joined (bad_request); the connection goes on', async () => {
      const c = await client('asker', ['big:*', 'other:*']);
      await subscribe(c, 'big:asker');
      const other = await subscribe(c, 'big:asker-2');
      expect(other.membersNext).toBeUndefined();
      const bad = await c.request({ type: 'members', room: 'big:asker', cursor: 'not-a-cursor' });
      expect(bad).toMatchObject({ type: 'error', code: 'bad_request' });
      // A well-formed cursor of another room's roster is refused too, never read against this one.
      const foreign = await fill('big:foreign', 101, 'foreign');
      const foreignAck = await subscribe(foreign[0]!, 'big:foreign');
      const stolen = await c.request({ type: 'members', room: 'big:asker', cursor: foreignAck.membersNext });
      expect(stolen).toMatchObject({ type: 'error', code: 'bad_request' });
      const wrongType = await c.request({ type: 'members', room: 'big:asker', cursor: 42 });
      expect(wrongType).toMatchObject({ type: 'error', code: 'bad_request' });
      expect(await c.request({ type: 'members', room: 'secret:x' })).toMatchObject({
        type: 'error',
        code: 'forbidden',
      });
      expect(await c.request({ type: 'members', room: 'other:never-joined' })).toMatchObject({
        type: 'error',
        code: 'bad_request',
      });
      const first = (await c.request({ type: 'members', room: 'big:asker' })) as Ack;
      expect(first.members.map((m) => m.sub)).toEqual(['asker']);
      const pong = c.waitFor((m) => m.type === 'pong' && m.id === 'after');
      c.send({ type: 'ping', id: 'after' });
      await pong;
      expect(c.closed).toBeUndefined();
    });

    it('turns a join storm into a bounded number of presence frames per member, and the roster they add up to is exact', async () => {
      const room = 'big:storm';
      const before = await fill(room, 20, 'before');
      const watcher = await client('watcher');
      const watcherAck = await subscribe(watcher, room);
      expect(watcherAck.memberCount).toBe(21);
      expect(watcherAck.membersNext).toBeUndefined();
      // The watcher asks for the roster, so it gets every change; the bystander never does.
      expect(await pageAll(watcher, room)).toHaveLength(21);
      const bystander = await client('bystander');
      await subscribe(bystander, room);

      const started = Date.now();
      const joiners = await Promise.all(
        Array.from({ length: 120 }, async (_, i) => {
          const c = await client(`storm-${i}`);
          await subscribe(c, room);
          return c;
        }),
      );
      // Some leave at once, some set a state: the frames must carry the last word on each.
      const leavers = joiners.filter((_, i) => i % 6 === 0);
      for (const c of leavers) c.ws.terminate();
      const typists = joiners.filter((_, i) => i % 6 === 1);
      for (const c of typists) c.send({ type: 'presence', room, state: { typing: true } });

      const stayed = [...before, watcher, bystander, ...joiners.filter((c) => !leavers.includes(c))];
      const expected = new Map(stayed.map((c) => [c.welcome.clientId, c]));
      const lastCount = () => presenceFrames(watcher, room).at(-1)?.count;
      // The watcher's view: its ack, then every diff applied in order.
      const view = () => {
        const v = new Map(watcherAck.members.map((m) => [m.clientId, m]));
        for (const f of presenceFrames(watcher, room)) {
          for (const m of f.left) v.delete(m.clientId);
          for (const m of [...f.joined, ...f.updated]) v.set(m.clientId, m);
        }
        return v;
      };
      const typing = (v: Map<string, PresenceMember>) =>
        typists.every((c) => v.get(c.welcome.clientId)?.state.typing === true);
      await until(
        () => lastCount() === expected.size && view().size === expected.size && typing(view()),
        60_000,
        'the storm to settle',
      );
      const elapsed = Date.now() - started;

      const frames = presenceFrames(watcher, room);
      // At most one frame per interval (half of it, for timer slack), whatever the number of joiners.
      expect(frames.length).toBeLessThanOrEqual(Math.floor(elapsed / (BIG_ROOM_MS / 2)) + 2);
      expect(frames.every((f) => typeof f.count === 'number')).toBe(true);
      expect([...view().keys()].sort()).toEqual([...expected.keys()].sort());

      // Paging through afterwards gives the same roster, each member once, with its state.
      const paged = await pageAll(watcher, room);
      expect(paged.map((m) => m.clientId).sort()).toEqual([...expected.keys()].sort());
      for (const c of typists)
        expect(paged.find((m) => m.clientId === c.welcome.clientId)?.state).toEqual({ typing: true });
      // The bystander has the exact count and every typist, but no entry for each plain joiner.
      await until(() => presenceFrames(bystander, room).at(-1)?.count === expected.size, 30_000, 'the bystander count');
      const told = presenceFrames(bystander, room).flatMap((f) => [...f.joined, ...f.updated]);
      for (const c of typists)
        expect(told.some((m) => m.clientId === c.welcome.clientId && m.state.typing === true)).toBe(true);
      const plain = joiners.filter((c) => !typists.includes(c)).map((c) => c.welcome.clientId);
      expect(
        presenceFrames(bystander, room)
          .flatMap((f) => f.joined)
          .filter((m) => plain.includes(m.clientId)),
      ).toEqual([]);
      // A newcomer's ack agrees.
      const newcomer = await client('newcomer');
      const ack = await subscribe(newcomer, room);
      expect(ack.memberCount).toBe(expected.size + 1);
      expect(ack.members).toHaveLength(100);
    });

    it('keeps small rooms on the short window: one frame per change when changes are apart', async () => {
      const room = 'big:small';
      const a = await client('small-a');
      await subscribe(a, room);
      const b = await client('small-b');
      await subscribe(b, room);
      await until(
        () => presenceFrames(a, room).some((f) => f.joined.some((m) => m.clientId === b.welcome.clientId)),
        10_000,
        'b joined',
      );
      expect(presenceFrames(a, room).at(-1)?.count).toBe(2);
      b.send({ type: 'presence', room, state: { typing: true } });
      await until(
        () => presenceFrames(a, room).some((f) => f.updated.some((m) => m.state.typing === true)),
        10_000,
        'b typing',
      );
    });
  });
}
