/**
 * A hub that accepts TCP connections but never answers the upgrade (stalled by sleep, overload or
 * a hung engine): every attempt ends by the SDK's own welcome timeout on a socket still
 * connecting. The SDK keeps trying and never lets an error escape into its host.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  connect,
  type ConnectionState,
  type InsightClient,
  type WebSocketConstructor,
} from '../../hub/client/index.js';
import { until } from '../support/hub.js';

let server: net.Server | undefined;
let client: InsightClient | undefined;
const held: net.Socket[] = [];
let ended = 0;

afterEach(async () => {
  client?.close();
  for (const s of held.splice(0)) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = client = undefined;
  ended = 0;
});

describe('a hub that never answers the upgrade', () => {
  it('is retried after each welcome timeout, and nothing is thrown at the host', async () => {
    server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('close', () => ended++);
      socket.resume();
      held.push(socket);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const escaped: unknown[] = [];
    const record = (err: unknown): void => void escaped.push(err);
    process.on('uncaughtException', record);
    try {
      const states: ConnectionState[] = [];
      client = connect({
        url: `ws://127.0.0.1:${port}/ws`,
        getToken: () => 'token',
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        ackTimeoutMs: 100,
        backoff: { baseMs: 10, capMs: 50 },
      });
      client.onState((s) => states.push(s));
      await until(() => states.filter((s) => s.status === 'reconnecting').length >= 4, 15_000, 'four attempts');
      // Each attempt was a socket the server saw, ended by the client.
      await until(() => ended >= 3, 5000, 'the ended sockets');
      expect(escaped).toEqual([]);
      expect(states.find((s) => s.status === 'reconnecting')).toMatchObject({ lastClose: { code: 1006 } });
    } finally {
      process.off('uncaughtException', record);
    }
  });
});
