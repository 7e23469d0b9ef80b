/** REST for InsightEngine's backend: publish to a room, read a room's history (one call, see core/history-read). */
import type { ServerResponse } from 'node:http';
import {
  HubError,
  isPlainObject,
  isValidRoomName,
  parseHistoryLimit,
  parseSince,
  validateClientMessage,
  type PublishMessage,
  type StreamPosition,
} from '../protocol/index.js';
import { historyAnswer } from '../core/history-read.js';
import type { HubCore } from '../core/hub-core.js';
import type { Router } from '../http/router.js';
import type { RestAuth } from '../http/rest-auth.js';
import type { LimitOptions } from './options.js';
import { clientIp, readJsonBody, sendJson } from '../http/http-util.js';
import { KeyedRateLimit } from './rest-rate-limit.js';

type RoomRouteLimits = Pick<
  LimitOptions,
  'maxHttpBodyBytes' | 'restMessagesPerSecond' | 'restBurst' | 'restMessagesPerSecondPerIp' | 'restBurstPerIp'
>;

export function addRoomRoutes(router: Router, core: HubCore, auth: RestAuth, limits: RoomRouteLimits): void {
  // Every publish is stored in history: without a bound one token could fill memory at wire speed.
  const perSub = new KeyedRateLimit(limits.restMessagesPerSecond, limits.restBurst);
  const perIp = new KeyedRateLimit(limits.restMessagesPerSecondPerIp, limits.restBurstPerIp);
  const rateLimited = (res: ServerResponse, what: string): HubError => {
    res.setHeader('retry-after', '1');
    return new HubError('rate_limited', `too many messages from this ${what}`);
  };

  router.add('POST', '/api/rooms/{room}/messages', async (req, res, { room }) => {
    if (!perIp.take(clientIp(req))) throw rateLimited(res, 'address');
    const identity = await auth.requireRole(req, ['service', 'editor', 'admin']);
    if (!perSub.take(identity.user.sub)) throw rateLimited(res, 'user');
    if (!isValidRoomName(room) || room.startsWith('$')) throw new HubError('bad_request', 'invalid room name');
    if (!identity.access.allows(room)) throw new HubError('forbidden', `not allowed to publish to ${room}`);
    const body = await readJsonBody(req, limits.maxHttpBodyBytes);
    if (!isPlainObject(body)) throw new HubError('bad_request', 'body must be a JSON object {event, data}');
    // The same validator as a WebSocket publish: one set of rules for both doors.
    const msg = validateClientMessage({
      type: 'publish',
      room,
      event: body.event,
      data: body.data,
      key: body.key,
    }) as PublishMessage;
    const { sub, name, role } = identity.user;
    // The same per-user byte rate as the WebSocket door, so REST is no way around it.
    if (!core.publishBytes.take(sub, Buffer.byteLength(JSON.stringify(body)))) {
      res.setHeader('retry-after', '1');
      throw new HubError(
        'rate_limited',
        `publish byte rate exceeded (${core.options.limits.publishBytesPerSecond} bytes/s per user): message dropped, slow down`,
      );
    }
    const stored = await core.publish(
      room,
      msg.event,
      msg.data,
      role === 'service' ? { sub, name, service: true } : { sub, name },
      false,
      msg.key,
    );
    // A repeated key stored nothing new: 200 with the original position instead of 201.
    if (stored.duplicate) sendJson(res, 200, { room, epoch: stored.epoch, seq: stored.seq, duplicate: true });
    else sendJson(res, 201, { room, epoch: stored.epoch, seq: stored.seq });
  });

  router.add('GET', '/api/rooms/{room}/history', async (req, res, { room }, url) => {
    const identity = await auth.identify(req);
    if (!isValidRoomName(room) || room.startsWith('$')) throw new HubError('bad_request', 'invalid room name');
    if (identity.user.role !== 'admin' && !identity.access.allows(room))
      throw new HubError('forbidden', `not a member of ${room}`);
    sendJson(res, 200, await historyAnswer(core.engine, room, sinceParam(url), limitParam(url)));
  });
}

/** `?limit=N`: 1..1000, default 100. */
function limitParam(url: URL): number | undefined {
  const text = url.searchParams.get('limit');
  if (text === null) return undefined;
  return parseHistoryLimit(/^\d{1,5}$/.test(text) ? Number(text) : text);
}

/** `?since=<epoch>:<seq>`; anything else is a bad request (a read has nothing to fail closed into). */
function sinceParam(url: URL): StreamPosition | undefined {
  const text = url.searchParams.get('since');
  if (text === null) return undefined;
  const m = /^([^:]{1,64}):(\d{1,15})$/.exec(text);
  const since = m ? parseSince({ epoch: m[1], seq: Number(m[2]) }) : null;
  if (!since) throw new HubError('bad_request', '"since" must be <epoch>:<seq>');
  return since;
}
