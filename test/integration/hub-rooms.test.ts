/**
 * Room access: the `rooms` claim patterns match exactly, `user:<sub>` is its owner's only, `$` rooms
 * are the hub's, viewers cannot publish, the hub stamps `from`, and subscribe answers its position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, startHub } from '../support/hub.js';
import { connectAs, roomsSeen, type RoomClaims } from '../support/room-clients.js';

let hub: Hub;

beforeAll(async () => {
  hub = await startHub({ limits: { maxRoomsPerConnection: 4 } });
});
afterAll(() => hub.close());

const client = (sub: string, claims: RoomClaims = {}, on: Hub = hub): Promise<TestClient> => connectAs(on, sub, claims);

describe('room access', () => {
  it('refuses subscribe outside the rooms claim with forbidden, and leaks nothing about the room', async () => {
    const member = await client('member', { rooms: ['secret:*'] });
    await member.request({ type: 'subscribe', room: 'secret:1' });
    await member.request({ type: 'presence', room: 'secret:1', state: { view: 'board' } });
    await member.request({ type: 'publish', room: 'secret:1', event: 'note', data: { text: 'classified' } });

    const outsider = await client('outsider', { rooms: ['public:*'] });
    const busy = await outsider.request({ type: 'subscribe', room: 'secret:1' });
    const empty = await outsider.request({ type: 'subscribe', room: 'secret:never-used' });
    expect(busy).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(empty).toMatchObject({ type: 'error', code: 'forbidden' });
    // The same words whether or not the room exists or has members.
    expect((busy as { message: string }).message.replace('secret:1', 'X')).toBe(
      (empty as { message: string }).message.replace('secret:never-used', 'X'),
    );
    expect(JSON.stringify(busy)).not.toMatch(/member|classified|board/);

    await member.request({ type: 'publish', room: 'secret:1', event: 'note', data: { text: 'after' } });
    await member.request({ type: 'presence', room: 'secret:1', state: { view: 'other' } });
    await outsider.pong();
    expect(roomsSeen(outsider).has('secret:1')).toBe(false);
    expect(outsider.received.filter((m) => m.type === 'message' || m.type === 'presence')).toHaveLength(0);
    member.close();
    outsider.close();
  });

  it('refuses publish outside the rooms claim, delivers nothing and uses no seq', async () => {
    const member = await client('m2', { rooms: ['ops:*'] });
    const ack1 = (await member.request({ type: 'subscribe', room: 'ops:1' })) as unknown as { seq: number };
    const intruder = await client('intruder', { rooms: ['dashboard:*'] });
    const refused = await intruder.request({ type: 'publish', room: 'ops:1', event: 'spoof', data: {} });
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
    const publisher = await client('p2', { rooms: ['ops:*'] });
    const ok = (await publisher.request({ type: 'publish', room: 'ops:1', event: 'real', data: {} })) as unknown as {
      seq: number;
    };
    expect(ok.seq).toBe(ack1.seq + 1);
    await member.pong();
    expect(member.messages('ops:1').map((m) => m.event)).toEqual(['real']);
    for (const c of [member, intruder, publisher]) c.close();
  });

  it('matches exact and prefix patterns exactly', async () => {
    const c = await client('patterns', { rooms: ['dashboard:42', 'team:*'] });
    expect((await c.request({ type: 'subscribe', room: 'dashboard:42' })).type).toBe('ack');
    expect((await c.request({ type: 'subscribe', room: 'team:a:b' })).type).toBe('ack');
    for (const room of ['dashboard:420', 'dashboard:4', 'dashboard', 'team', 'teams:x', 'Team:x']) {
      expect(await c.request({ type: 'subscribe', room })).toMatchObject({ type: 'error', code: 'forbidden' });
    }
    c.close();
  });

  it('lets every user join user:<own sub> and nobody else’s', async () => {
    const alice = await client('alice', { rooms: [], role: 'viewer' });
    expect(await alice.request({ type: 'subscribe', room: 'user:alice' })).toMatchObject({
      type: 'ack',
      room: 'user:alice',
    });
    expect(await alice.request({ type: 'subscribe', room: 'user:bob' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await alice.request({ type: 'subscribe', room: 'user:alice2' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    const service = await client('alerts', { role: 'service', rooms: ['user:*'] });
    await service.request({
      type: 'publish',
      room: 'user:alice',
      event: 'alert',
      data: { id: 'a1', severity: 'info', title: 't', body: 'b' },
    });
    const alert = await alice.waitFor((m) => m.type === 'message' && m.room === 'user:alice');
    expect(alert).toMatchObject({ event: 'alert', from: { sub: 'alerts', service: true } });
    alice.close();
    service.close();
  });

  it('keeps $ rooms for the hub: * does not match $admin, unknown $ rooms are invalid', async () => {
    const c = await client('wild', { rooms: ['*'] });
    expect(await c.request({ type: 'subscribe', room: '$admin' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await c.request({ type: 'publish', room: '$admin', event: 'x', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await c.request({ type: 'subscribe', room: '$system' })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    expect(await c.request({ type: 'presence', room: '$admin', state: {} })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    c.close();
  });

  it('lets viewers subscribe but not publish', async () => {
    const v = await client('viewer', { role: 'viewer', rooms: ['board:*'] });
    expect((await v.request({ type: 'subscribe', room: 'board:1' })).type).toBe('ack');
    expect(await v.request({ type: 'publish', room: 'board:1', event: 'x', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    v.close();
  });

  it('stamps from itself and ignores sender fields a client puts in data', async () => {
    const sender = await client('sender', { name: 'Real Name', rooms: ['chat:*'] });
    const reader = await client('reader', { rooms: ['chat:*'] });
    await reader.request({ type: 'subscribe', room: 'chat:1' });
    await sender.request({
      type: 'publish',
      room: 'chat:1',
      event: 'msg',
      data: { text: 'hi', from: { sub: 'ceo' } },
      from: { sub: 'ceo', name: 'CEO', service: true },
    });
    const m = await reader.waitFor((x) => x.type === 'message' && x.room === 'chat:1');
    expect(m).toMatchObject({
      from: { sub: 'sender', name: 'Real Name', clientId: sender.welcome.clientId },
      data: { text: 'hi', from: { sub: 'ceo' } },
    });
    expect((m as { from: { service?: boolean } }).from.service).toBeUndefined();
    sender.close();
    reader.close();
  });

  it('does not echo to the publisher unless echo is true', async () => {
    const c = await client('echoer', { rooms: ['echo:*'] });
    await c.request({ type: 'subscribe', room: 'echo:1' });
    await c.request({ type: 'publish', room: 'echo:1', event: 'quiet', data: 1 });
    await c.request({ type: 'publish', room: 'echo:1', event: 'loud', data: 2, echo: true });
    await c.waitFor((m) => m.type === 'message' && m.event === 'loud');
    await c.pong();
    expect(c.messages('echo:1').map((m) => m.event)).toEqual(['loud']);
    c.close();
  });

  it('stops delivery after unsubscribe, and acks unsubscribe from a room never joined', async () => {
    const pub = await client('pub-u', { rooms: ['u:*'] });
    const sub = await client('sub-u', { rooms: ['u:*'] });
    await sub.request({ type: 'subscribe', room: 'u:1' });
    await pub.request({ type: 'publish', room: 'u:1', event: 'before', data: 1 });
    await sub.waitFor((m) => m.type === 'message' && m.event === 'before');
    expect(await sub.request({ type: 'unsubscribe', room: 'u:1' })).toMatchObject({ type: 'ack', room: 'u:1' });
    await pub.request({ type: 'publish', room: 'u:1', event: 'after', data: 2 });
    await sub.pong();
    expect(sub.messages('u:1').map((m) => m.event)).toEqual(['before']);
    expect(await sub.request({ type: 'unsubscribe', room: 'u:never' })).toMatchObject({ type: 'ack', room: 'u:never' });
    pub.close();
    sub.close();
  });

  it('refuses one room more than maxRoomsPerConnection with conflict; rejoining a room is fine', async () => {
    const c = await client('many', { rooms: ['lim:*'] });
    for (let i = 0; i < 4; i++) expect((await c.request({ type: 'subscribe', room: `lim:${i}` })).type).toBe('ack');
    expect(await c.request({ type: 'subscribe', room: 'lim:4' })).toMatchObject({ type: 'error', code: 'conflict' });
    expect((await c.request({ type: 'subscribe', room: 'lim:0' })).type).toBe('ack');
    await c.request({ type: 'unsubscribe', room: 'lim:1' });
    expect((await c.request({ type: 'subscribe', room: 'lim:4' })).type).toBe('ack');
    c.close();
  });

  it('answers subscribe with the room position and replays after since, in order', async () => {
    const pub = await client('pub-r', { rooms: ['replay:*'] });
    const first = (await pub.request({ type: 'subscribe', room: 'replay:1' })) as unknown as {
      epoch: string;
      seq: number;
      members: unknown[];
    };
    expect(first).toMatchObject({ room: 'replay:1', seq: 0 });
    expect(typeof first.epoch).toBe('string');
    for (let i = 1; i <= 5; i++) await pub.request({ type: 'publish', room: 'replay:1', event: 'n', data: i });
    const late = await client('late-r', { rooms: ['replay:*'] });
    const ack = await late.request({ type: 'subscribe', room: 'replay:1', since: { epoch: first.epoch, seq: 2 } });
    expect(ack).toMatchObject({ type: 'ack', epoch: first.epoch, seq: 5, recovered: true });
    await late.pong();
    expect(late.messages('replay:1').map((m) => m.seq)).toEqual([3, 4, 5]);
    const other = await late.request({
      type: 'subscribe',
      room: 'replay:1',
      since: { epoch: 'another-epoch', seq: 2 },
    });
    expect(other).toMatchObject({ recovered: false, reason: 'epoch_changed' });
    pub.close();
    late.close();
  });
});
