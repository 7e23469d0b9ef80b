/**
 * The SDK's `admin()` against a real hub: each action resolves with its own answer type
 * (AdminAnswerMap, `list` by its `what`), read here by field without a cast, and a refused action
 * rejects with the hub's code while the admin's connection stays open.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BannedUser, KickAnswer, RoomDetail } from '../../hub/protocol/index.js';
import { ClientError } from '../../hub/client/index.js';
import { sdkClient, startObservedHub, untilOpen, type ObservedHub, type SdkClient } from './client-harness.js';

let h: ObservedHub;
const clients: SdkClient[] = [];

function client(sub: string, options: Parameters<typeof sdkClient>[2] = {}): SdkClient {
  const c = sdkClient(h.hub, sub, options);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  h = await startObservedHub();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  await h.hub.close();
});

describe('admin() answers', () => {
  it('bans, lists the ban and lifts it, each answer typed by its action', async () => {
    const root = client('root', { role: 'admin' });
    const ban = await root.client.admin('ban', { sub: 'mallory', minutes: 5, reason: 'spam' });
    expect(ban).toMatchObject({ type: 'ack', sub: 'mallory', reason: 'spam' });
    expect(ban.until).toBeGreaterThan(Date.now());

    const bans = await root.client.admin('list', { what: 'bans' });
    const listed: BannedUser[] = bans.items;
    expect(listed).toEqual([{ sub: 'mallory', until: ban.until, reason: 'spam', by: 'root', at: expect.any(Number) }]);

    const unban = await root.client.admin('unban', { sub: 'mallory' });
    expect(unban.unbanned).toBe(true);
    expect((await root.client.admin('list', { what: 'bans' })).items).toEqual([]);
  });

  it("kicks a user's connections and says how many; the room listing names its members", async () => {
    const root = client('root', { role: 'admin' });
    const bob = client('bob');
    await bob.client.room('dash:1').joined;
    const detail: RoomDetail = await root.client.admin('list', { what: 'room', room: 'dash:1' });
    expect(detail).toMatchObject({ room: 'dash:1', clients: 1, memberCount: 1 });
    expect(detail.members.map((m) => m.sub)).toEqual(['bob']);

    const kick: KickAnswer = await root.client.admin('kick', { sub: 'bob', reason: 'tidy up' });
    expect(kick).toMatchObject({ sub: 'bob', reason: 'tidy up', kicked: 1 });
  });

  it('rejects an unknown listing with bad_request and keeps the admin connected', async () => {
    const root = client('root', { role: 'admin' });
    // `admin()` refuses an unknown `what` at compile time; a raw request still reaches the hub.
    const err = await root.client.request({ type: 'admin', action: 'list', what: 'nothing' }).then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('bad_request');
    await untilOpen(root.client);
    // A later request on the same connection is answered.
    expect((await root.client.admin('list', { what: 'bans' })).items).toEqual([]);
  });
});
