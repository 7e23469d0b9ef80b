/**
 * Each request gets its own answer type with no cast at the caller (checked by the compiler), and
 * at run time an answer is held against the request sent under its id: one of the wrong shape or
 * kind fails the request with `bad_answer` instead of reaching whoever asked.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  AckFor,
  AdminAck,
  AdminRequest,
  ClientMessage,
  PongMessage,
  PublishMessage,
  SubscribeMessage,
} from '../../hub/protocol/index.js';
import { ClientError } from '../../hub/client/errors.js';
import { parseServerMessage } from '../../hub/client/server-frames.js';
import { RequestChannel, type ChannelHost } from '../../hub/client/request-channel.js';
import type { Pending } from '../../hub/client/requests.js';
import type { PublishHost } from '../../hub/client/publish-retry.js';
import type { RoomHost } from '../../hub/client/room.js';

/** A channel on an open, ready connection whose written frames the test reads. */
function openChannel() {
  const written: Array<{ id: string; type: string }> = [];
  const host: ChannelHost = {
    canSend: () => true,
    ready: () => true,
    stopped: () => false,
    write: (text) => {
      const { id, type } = JSON.parse(text) as { id: string; type: string };
      written.push({ id, type });
      return true;
    },
    closedError: () => new ClientError('closed', 'closed'),
  };
  const channel = new RequestChannel(host, Infinity, 10);
  return { channel, lastId: () => written[written.length - 1]!.id };
}

const subscribe: SubscribeMessage = { type: 'subscribe', room: 'r' };
const goodSubscribeAck = { room: 'r', epoch: 'e1', seq: 4, members: [], memberCount: 0 };

describe('answer types', () => {
  it('each request path hands back the answer of the message sent', () => {
    // Checked by the compiler (`npm run check`); nothing is sent.
    const { channel } = openChannel();
    const ask = <M extends ClientMessage>(m: M) => channel.ask(m);
    expectTypeOf(ask(subscribe)).resolves.toEqualTypeOf<AckFor<'subscribe'>>();
    expectTypeOf(ask({ type: 'members', room: 'r' })).resolves.toEqualTypeOf<AckFor<'members'>>();
    expectTypeOf(ask({ type: 'auth', token: 't' })).resolves.toEqualTypeOf<AckFor<'auth'>>();
    expectTypeOf(ask({ type: 'ping' })).resolves.toEqualTypeOf<PongMessage>();
    const list: AdminRequest<'list', 'bans'> = { type: 'admin', action: 'list', what: 'bans' };
    expectTypeOf(ask(list)).resolves.toEqualTypeOf<AdminAck<'list', 'bans'>>();
    expectTypeOf<Pending<SubscribeMessage>['onAnswer']>().parameter(0).toEqualTypeOf<AckFor<'subscribe'>>();
    expectTypeOf<Pending<PublishMessage>['onAnswer']>().parameter(0).toEqualTypeOf<AckFor<'publish'>>();
    // The publishes' host asks for the publish's answer; the room's host (the client) serves it.
    expectTypeOf<Parameters<PublishHost['submit']>[1]>().toEqualTypeOf<Pending<PublishMessage>>();
    expectTypeOf<RoomHost>().toExtend<PublishHost>();
    void ask;
  });
});

describe('an answer is checked against its request', () => {
  it('passes an answer of the right shape on, as it came', async () => {
    const { channel, lastId } = openChannel();
    const answer = channel.ask(subscribe);
    const ack = { type: 'ack', id: lastId(), ...goodSubscribeAck } as const;
    expect(channel.settle(ack)).toBe(true);
    expect(await answer).toEqual(ack);
  });

  it.each([
    ['a subscribe ack without members', subscribe, { epoch: 'e1', seq: 4, memberCount: 0 }, /members/],
    ['a subscribe ack whose seq is text', subscribe, { ...goodSubscribeAck, seq: '4' }, /seq/],
    ['a subscribe ack whose members lack a clientId', subscribe, { ...goodSubscribeAck, members: [{}] }, /members/],
    ['a members page with a numeric cursor', { type: 'members', room: 'r' }, { members: [], next: 7 }, /next/],
    ['an auth ack without expiresAt', { type: 'auth', token: 't' }, {}, /expiresAt/],
    [
      'a publish ack without a position',
      { type: 'publish', room: 'r', event: 'x', data: 1 },
      { room: 'r' },
      /epoch, seq/,
    ],
  ] satisfies Array<[string, ClientMessage, object, RegExp]>)(
    'rejects %s with bad_answer',
    async (_, request, fields, names) => {
      const { channel, lastId } = openChannel();
      const answer = channel.ask(request);
      // What the wire says: the parser vouches only for `type` (any JSON object fits an admin ack).
      const frame = parseServerMessage(JSON.stringify({ type: 'ack', id: lastId(), ...fields }));
      expect(frame?.type).toBe('ack');
      expect(channel.settle(frame as Parameters<typeof channel.settle>[0])).toBe(true);
      const error = await answer.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ClientError);
      expect(error).toMatchObject({ code: 'bad_answer', message: expect.stringMatching(names) as unknown });
      expect(channel.inFlight).toBe(0);
    },
  );

  it('rejects a pong that answers a subscribe, and an ack that answers a ping', async () => {
    const { channel, lastId } = openChannel();
    const joined = channel.ask(subscribe);
    channel.settle({ type: 'pong', id: lastId(), time: 1 });
    await expect(joined).rejects.toMatchObject({
      code: 'bad_answer',
      message: expect.stringMatching(/pong/) as unknown,
    });
    const pinged = channel.ask({ type: 'ping' });
    channel.settle({ type: 'ack', id: lastId(), ...goodSubscribeAck });
    await expect(pinged).rejects.toMatchObject({ code: 'bad_answer' });
  });
});
