/**
 * The SDK never throws out of its host: 50 clients in one process reconnecting to a frozen hub
 * (SIGSTOP; every attempt ends by the SDK's own welcome timeout) leave the process alive, and after
 * SIGCONT every client is open, joined and receiving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type InsightClient, type WebSocketConstructor } from '../../hub/client/index.js';
import { signJwt } from '../support/hub.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { Swarm } from './support/swarm.js';

const CLIENTS = 50;
const ROOMS = 5;

let hub: HubProcess | undefined;
let swarm: Swarm | undefined;
let publisher: InsightClient | undefined;

afterEach(async () => {
  publisher?.close();
  await swarm?.stop();
  await hub?.stop();
  hub = swarm = publisher = undefined;
});

describe('an SDK host process while its hub is frozen', () => {
  it(
    'lives through reconnects that time out on a stopped hub, and every client comes back',
    { timeout: 240_000 },
    async () => {
      hub = await startHubProcess();
      swarm = await Swarm.start({
        urls: [hub.wsUrl],
        clients: Array.from({ length: CLIENTS }, (_, c) => ({ sub: `user${c}`, rooms: [`room${c % ROOMS}`] })),
        pingIntervalMs: 300,
        ackTimeoutMs: 800,
        backoff: { baseMs: 100, capMs: 800 },
      });
      await swarm.allJoined(60_000);
      const reconnects = (c: number): number =>
        swarm!.events.filter((e) => e.t === 'state' && e.c === c && e.status === 'reconnecting').length;

      hub.pause();
      // Every client finds the link dead, then tries (and times out) at least twice more.
      await swarm.waitFor(
        () => Array.from({ length: CLIENTS }, (_, c) => reconnects(c)).every((n) => n >= 3),
        60_000,
        'reconnect attempts on the frozen hub',
      );
      expect(swarm.alive).toBe(true);
      hub.resume();

      const report = await swarm.allJoined(60_000);
      expect(report).toHaveLength(CLIENTS);
      publisher = connect({
        url: hub.wsUrl,
        getToken: () => signJwt({ sub: 'publisher', role: 'editor', rooms: ['*'] }),
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      for (let r = 0; r < ROOMS; r++) await publisher.room(`room${r}`).publish('after', { id: `after-${r}` });
      const received = (c: number): boolean =>
        swarm!.events.some((e) => e.t === 'd' && e.c === c && e.id === `after-${c % ROOMS}`);
      await swarm.waitFor(
        () => Array.from({ length: CLIENTS }, (_, c) => received(c)).every(Boolean),
        60_000,
        'every client to get its room message',
      );
      expect(swarm.alive).toBe(true);
    },
  );
});
