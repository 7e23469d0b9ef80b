/**
 * How a connection ends is the close frame sent first: the hub's own code and reason when the hub
 * closed it (a kick, a frame too big), whether or not the peer answers; the peer's when the peer
 * closed. A peer that never answers the hub's close frame is dropped after a few seconds, not after
 * ws's 30: until then it would still be listed and present in its rooms.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubCore } from '../../hub/core/hub-core.js';
import type { Hub } from '../../hub/server/types.js';
import { apiCall, connect, startHubWithCore, token, until } from '../support/hub.js';
import { rawUpgrade } from '../support/raw-peer.js';

let hub: Hub;
let core: HubCore;
let ended: Array<{ sub: string; code: number; reason: string }>;

beforeEach(async () => {
  ({ hub, core } = await startHubWithCore());
  ended = [];
  core.observe({ disconnected: (s, code, reason) => void ended.push({ sub: s.user.sub, code, reason }) });
});
afterEach(() => hub.close());

const endOf = (sub: string) => ended.find((e) => e.sub === sub);

describe('a kicked peer that never answers the close frame', () => {
  it('is dropped within seconds, with the kick recorded as 4004 and its reason; its room sees it leave', async () => {
    const ghost = await rawUpgrade(hub, {
      Authorization: `Bearer ${await token(hub, { sub: 'ghost' })}`,
      'Sec-WebSocket-Protocol': 'insight.v1',
    });
    expect(ghost.status).toBe(101);
    ghost.sendText(JSON.stringify({ type: 'subscribe', id: 's', room: 'dash:p' }));
    await until(() => ghost.messages().some((m) => m.type === 'ack'), 10_000, 'the ghost joined');
    const clientId = (ghost.messages().find((m) => m.type === 'welcome') as { clientId: string }).clientId;
    const witness = await connect(hub, await token(hub, { sub: 'witness' }));
    await witness.request({ type: 'subscribe', room: 'dash:p' });

    const admin = await token(hub, { sub: 'root', role: 'admin' });
    const kicked = await apiCall(hub, 'DELETE', `/api/clients/${clientId}`, admin, { reason: 'go away' });
    expect(kicked.status).toBe(200);
    // Bounded well below ws's own 30 s: the hub drops it after 5 s without an answer.
    await until(() => endOf('ghost') !== undefined, 20_000, 'the ghost to be dropped');
    expect(ghost.closeCode).toBe(4004);
    expect(endOf('ghost')).toEqual({ sub: 'ghost', code: 4004, reason: 'go away' });
    await witness.waitFor(
      (m) => m.type === 'presence' && m.room === 'dash:p' && m.left.some((l) => l.clientId === clientId),
      20_000,
    );
    const listed = await apiCall(hub, 'GET', '/api/clients', admin);
    expect(JSON.stringify(listed.body)).not.toContain(clientId);
    witness.close();
  }, 30_000);
});

describe('how a connection ended', () => {
  it('a frame too big: the 1009 the hub sent, not 1006', async () => {
    const big = await connect(hub, await token(hub, { sub: 'big' }));
    big.ws.send('x'.repeat(200_000));
    expect((await big.waitForClose()).code).toBe(1009);
    await until(() => endOf('big') !== undefined, 10_000, 'the close to be recorded');
    expect(endOf('big')!.code).toBe(1009);
  });

  it("a close the peer started: the peer's code and reason", async () => {
    const leaving = await connect(hub, await token(hub, { sub: 'leaving' }));
    leaving.ws.close(4000, 'done for today');
    await until(() => endOf('leaving') !== undefined, 10_000, 'the close to be recorded');
    expect(endOf('leaving')).toEqual({ sub: 'leaving', code: 4000, reason: 'done for today' });
  });
});
