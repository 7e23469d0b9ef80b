/**
 * A REST request whose body never comes is freed by the request timeout (twice `headerTimeoutMs`,
 * checked every second), not held a minute as Node's 30 s check did, which let 192 such sockets
 * fill `ulimit -n 256` for three connections a second.
 */
import { connect as netConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, startHub, token } from '../support/hub.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

/** Send `text`, then nothing; resolves with what the hub wrote before it closed the socket. */
function sendThenWait(hub: Hub, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    let got = '';
    socket.on('connect', () => socket.write(text));
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
  });
}

describe('a request body that never comes', { timeout: 60_000 }, () => {
  it('a POST with its head and no body is answered 408 and closed; a neighbour keeps its pongs', async () => {
    const hub = await startHub({ limits: { headerTimeoutMs: 1000 } });
    hubs.push(hub);
    const neighbour = await connect(hub, await token(hub, { sub: 'neighbour' }));
    const svc = await token(hub, { sub: 'svc', role: 'service' });
    const head = [
      'POST /api/rooms/dashboard:1/messages HTTP/1.1',
      `Host: 127.0.0.1:${hub.port}`,
      `Authorization: Bearer ${svc}`,
      'Content-Type: application/json',
      'Content-Length: 1000',
      '',
      '{"event":',
    ].join('\r\n');
    const closedBody = sendThenWait(hub, head);
    // And a keep-alive connection whose second request head stops half-way.
    const keepAlive = sendThenWait(
      hub,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${hub.port}\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 1`,
    );
    await neighbour.pong();
    // A generous deadline (the test's own): the hub's answer is due after 2 s, Node's default came after 30-60 s.
    const [body, second] = await Promise.race([
      Promise.all([closedBody, keepAlive]),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the hub still holds the sockets after 25 s')), 25_000),
      ),
    ]);
    expect(body).toMatch(/^HTTP\/1\.1 408 /);
    expect(second).toMatch(/^HTTP\/1\.1 200 [\s\S]*HTTP\/1\.1 408 /);
    await neighbour.pong();
  });
});
