/**
 * One credential on REST too: Node keeps only the first of two `Authorization` headers, so a proxy
 * reading the last and the hub could disagree about who publishes. Refused with 400, nothing
 * stored; a caller with one header, on the same hub, is served.
 */
import { connect as netConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { apiCall, connect, startHub, token } from '../support/hub.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

/** A raw HTTP/1.1 request (headers may repeat); resolves with the status and the JSON body. */
function rawRequest(hub: Hub, head: string[], body = ''): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    let text = '';
    socket.on('connect', () =>
      socket.write(
        [
          ...head,
          `Host: 127.0.0.1:${hub.port}`,
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      ),
    );
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const json = text.slice(text.indexOf('\r\n\r\n') + 4);
      resolve({ status, body: json ? JSON.parse(json) : undefined });
    });
  });
}

describe('REST with two Authorization headers', () => {
  it('a publish is refused with 400 bad_request and not stored; one header publishes; a neighbour is served', async () => {
    const hub = await startHub();
    hubs.push(hub);
    const neighbour = await connect(hub, await token(hub, { sub: 'neighbour' }));
    await neighbour.request({ type: 'subscribe', room: 'dashboard:1' });
    const a = await token(hub, { sub: 'svc-a', role: 'service' });
    const b = await token(hub, { sub: 'svc-b', role: 'service' });
    const twice = await rawRequest(
      hub,
      [
        'POST /api/rooms/dashboard:1/messages HTTP/1.1',
        `Authorization: Bearer ${a}`,
        `Authorization: Bearer ${b}`,
        'Content-Type: application/json',
      ],
      '{"event":"e","data":1}',
    );
    expect(twice).toEqual({
      status: 400,
      body: {
        error: 'bad_request',
        message: 'more than one credential (2 Authorization headers): send the token once',
      },
    });
    const history = await rawRequest(hub, [
      'GET /api/rooms/dashboard:1/history HTTP/1.1',
      `Authorization: Bearer ${a}`,
      `authorization: Bearer ${b}`,
    ]);
    expect(history.status).toBe(400);
    const once = await apiCall(hub, 'POST', '/api/rooms/dashboard:1/messages', a, { event: 'e', data: 2 });
    expect(once).toMatchObject({ status: 201, body: { seq: 1 } });
    // The one stored message is the single-header one: the refused publish left no trace.
    const got = await neighbour.waitFor((m) => m.type === 'message');
    expect(got).toMatchObject({ seq: 1, data: 2, from: { sub: 'svc-a' } });
    await neighbour.pong();
  });
});
