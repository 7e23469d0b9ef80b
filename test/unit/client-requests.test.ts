/**
 * The SDK's request bookkeeping on fake timers: each request settles exactly once (ack, error,
 * timeout or failAll), the offline queue keeps order and its bound, and the heartbeat declares a
 * link dead only after a silent period. The answer types follow the request: `admin()` reads a
 * `list`'s answer from its `what` and checks each action's fields (checked by the compiler).
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type {
  AdminAck,
  AdminAnswer,
  AdminEventMap,
  AdminRequest,
  AnswerFor,
  AnswerMap,
  AnswerTo,
  AuditAction,
  AuditEntry,
  AuditPage,
  BannedUser,
  ClientMessage,
  Invite,
  Json,
  PongMessage,
  RedeemedInvite,
  SubscribeAck,
  PublishMessage,
} from '../../hub/protocol/index.js';
import { adminFeed, type InsightClient } from '../../hub/client/index.js';
import type { subscribe } from '../../hub/core/subscribe.js';
import type { AckSent } from '../../hub/core/presence-pages.js';
import { ClientError } from '../../hub/client/errors.js';
import { Heartbeat } from '../../hub/client/heartbeat.js';
import { OfflineQueue } from '../../hub/client/offline-queue.js';
import { RequestTracker, type Answer } from '../../hub/client/requests.js';

function recorder() {
  const answers: Answer[] = [];
  const failures: ClientError[] = [];
  return {
    answers,
    failures,
    handlers: { onAnswer: (a: Answer) => answers.push(a), onFailure: (e: ClientError) => failures.push(e) },
  };
}

const publish: PublishMessage = { type: 'publish', room: 'r', event: 'e', data: 1 };
/** A queued request whose sending and failing the test sees. */
function queued(type: ClientMessage['type'], failures: ClientError[]) {
  return { type, send: () => undefined, fail: (e: ClientError) => failures.push(e) };
}

describe('RequestTracker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles an ack by id, once', () => {
    const t = new RequestTracker(1000);
    const r = recorder();
    const id = t.track(publish, r.handlers);
    const ack = { type: 'ack', id, room: 'r', epoch: 'e1', seq: 1 } as const;
    expect(t.settle(ack)).toBe(true);
    expect(t.settle(ack)).toBe(false);
    expect(r.answers).toEqual([ack]);
    expect(t.size).toBe(0);
  });

  it("turns an error into a ClientError with the hub's code", () => {
    const t = new RequestTracker(1000);
    const r = recorder();
    const id = t.track(publish, r.handlers);
    t.settle({ type: 'error', id, code: 'forbidden', message: 'not your room' });
    expect(r.failures[0]).toBeInstanceOf(ClientError);
    expect(r.failures[0]!.code).toBe('forbidden');
    expect(r.failures[0]!.message).toBe('not your room');
  });

  it('ignores answers without an id or with an unknown one', () => {
    const t = new RequestTracker(1000);
    expect(t.settle({ type: 'ack', room: 'r' })).toBe(false);
    expect(t.settle({ type: 'error', id: 'nope', code: 'internal', message: '' })).toBe(false);
  });

  it('fails with timeout when no answer comes in time, and a late answer is not delivered', () => {
    const t = new RequestTracker(1000);
    const r = recorder();
    const id = t.track(publish, r.handlers);
    vi.advanceTimersByTime(999);
    expect(r.failures).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(r.failures.map((e) => e.code)).toEqual(['timeout']);
    expect(t.settle({ type: 'ack', id, room: 'r', epoch: 'e1', seq: 1 })).toBe(false);
    expect(r.answers).toEqual([]);
  });

  it('fails everything in flight on failAll and clears the timers', () => {
    const t = new RequestTracker(1000);
    const r = recorder();
    t.track(publish, r.handlers);
    t.track({ type: 'ping' }, r.handlers);
    t.failAll(() => new ClientError('connection_lost', 'gone'));
    vi.advanceTimersByTime(5000);
    expect(r.failures.map((e) => e.code)).toEqual(['connection_lost', 'connection_lost']);
  });

  it('hands out distinct ids of at most 64 characters', () => {
    const t = new RequestTracker(Infinity);
    const ids = new Set(Array.from({ length: 1000 }, () => t.track(publish, recorder().handlers)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });
});

describe('OfflineQueue', () => {
  it('keeps requests in order up to the limit and refuses more with offline_queue_full', () => {
    const q = new OfflineQueue(2);
    const r = recorder();
    q.push(queued('ping', r.failures));
    q.push(queued('auth', r.failures));
    q.push(queued('members', r.failures));
    expect(r.failures.map((e) => e.code)).toEqual(['offline_queue_full']);
    expect(q.drain().map((i) => i.type)).toEqual(['ping', 'auth']);
    expect(q.size).toBe(0);
  });

  it('fails what it holds on failAll', () => {
    const q = new OfflineQueue(10);
    const r = recorder();
    q.push(queued('ping', r.failures));
    q.failAll(() => new ClientError('closed', 'bye'));
    expect(r.failures.map((e) => e.code)).toEqual(['closed']);
  });
});

describe('Heartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings every period while the hub keeps answering', () => {
    let pings = 0;
    let dead = 0;
    const hb = new Heartbeat(
      100,
      () => pings++,
      () => dead++,
    );
    hb.start();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(100);
      hb.alive();
    }
    expect(pings).toBe(10);
    expect(dead).toBe(0);
    hb.stop();
  });

  it('declares the connection dead when a whole period passes in silence after a ping', () => {
    let pings = 0;
    let dead = 0;
    const hb = new Heartbeat(
      100,
      () => pings++,
      () => dead++,
    );
    hb.start();
    vi.advanceTimersByTime(100);
    expect(pings).toBe(1);
    vi.advanceTimersByTime(100);
    expect(dead).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(dead).toBe(1);
    expect(pings).toBe(1);
  });

  it('does nothing after stop', () => {
    let calls = 0;
    const hb = new Heartbeat(
      100,
      () => calls++,
      () => calls++,
    );
    hb.start();
    hb.stop();
    vi.advanceTimersByTime(1000);
    expect(calls).toBe(0);
  });
});

describe('answer types', () => {
  it('follow the message sent, not a type the caller picks', () => {
    // Checked by the compiler (`npm run check`); at run time these calls do nothing.
    const ask = <M extends ClientMessage>(_m: M): AnswerFor<M> => ({}) as AnswerFor<M>;
    expectTypeOf(ask({ type: 'history', room: 'r' })).toEqualTypeOf<AnswerTo<'history'>>();
    expectTypeOf(ask({ type: 'ping' })).toEqualTypeOf<PongMessage>();
    const list: AdminRequest<'list', 'rooms'> = { type: 'admin', action: 'list', what: 'rooms' };
    expectTypeOf(ask(list)).toEqualTypeOf<AdminAck<'list', 'rooms'>>();
    const kick: AdminRequest<'kick'> = { type: 'admin', action: 'kick', sub: 'bob' };
    expectTypeOf(ask(kick)).toEqualTypeOf<AdminAck<'kick'>>();
  });
});

describe('admin() types', () => {
  // Never called: the compiler checks these calls (`npm run check`), a run only defines them.
  const typesOf = async (client: InsightClient) => {
    expectTypeOf(client.admin('list', { what: 'audit', limit: 10 })).resolves.toEqualTypeOf<
      AdminAck<'list', 'audit'>
    >();
    expectTypeOf(client.admin('list', { what: 'audit' })).resolves.toExtend<AuditPage>();
    expectTypeOf(client.admin('list', { what: 'bans' })).resolves.toEqualTypeOf<AdminAck<'list', 'bans'>>();
    expectTypeOf(client.admin('kick', { sub: 'bob' })).resolves.toEqualTypeOf<AdminAck<'kick'>>();
    // @ts-expect-error `what` is required: the hub answers a list without it with bad_request.
    await client.admin('list', {});
    // @ts-expect-error the listing is read from `what`: a type argument cannot contradict it.
    await client.admin<'list', 'audit'>('list', { what: 'bans' });
    // @ts-expect-error nor choose the answer of a list without a `what`.
    await client.admin<'list', 'audit'>('list', {});
    // @ts-expect-error each listing takes its own fields (bans takes none).
    await client.admin('list', { what: 'bans', limit: 5 });
    // @ts-expect-error a ban needs its minutes.
    await client.admin('ban', { sub: 'mallory' });
    // @ts-expect-error a kick names a client or a user, not both.
    await client.admin('kick', { clientId: 'c1', sub: 'bob' });
    // @ts-expect-error an invite's role is viewer or editor.
    await client.admin('invite', { rooms: ['a'], role: 'admin', ttlMinutes: 5 });
    // @ts-expect-error no field the action does not take.
    await client.admin('unban', { sub: 'm', reason: 'x' });
    // @ts-expect-error the audit filter is an audited action.
    await client.admin('list', { what: 'audit', filterAction: 'explode' });
    const feed = adminFeed(client);
    feed.on('client.disconnected', (data) => expectTypeOf(data).toEqualTypeOf<AdminEventMap['client.disconnected']>());
    feed.onEvent((e) => {
      if (e.event === 'audit') expectTypeOf(e.data).toEqualTypeOf<AuditEntry>();
    });
    // @ts-expect-error no such event.
    feed.on('room.exploded', () => undefined);
  };

  it('answers by the arguments, and every contract record is plain JSON', () => {
    expect(typesOf).toBeTypeOf('function');
    expectTypeOf<AnswerMap['admin']>().toEqualTypeOf<AdminAnswer>();
    expectTypeOf<AuditEntry['action']>().toEqualTypeOf<AuditAction>();
    expectTypeOf<'explode'>().not.toExtend<AuditAction>();
    expectTypeOf<AuditEntry>().toExtend<Json>();
    expectTypeOf<AdminEventMap[keyof AdminEventMap]>().toExtend<Json>();
    expectTypeOf<BannedUser | Invite | RedeemedInvite>().toExtend<Json>();
    expectTypeOf<ReturnType<typeof subscribe>>().toEqualTypeOf<Promise<SubscribeAck | AckSent>>();
  });
});
