/**
 * REST publish with `data` nested past the protocol's depth limit is a 400 `bad_request` however
 * deep it goes: the body is checked as parsed, never re-serialized first (which overflowed the stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { httpRequest, startHub, token } from '../support/hub.js';

let hub: Hub;
let auth: Record<string, string>;

beforeAll(async () => {
  hub = await startHub();
  auth = {
    authorization: `Bearer ${await token(hub, { sub: 'ed', rooms: ['dashboard:*'] })}`,
    'content-type': 'application/json',
  };
});
afterAll(async () => {
  await hub.close();
});

const nested = (depth: number, open = '[', close = ']'): string =>
  `{"event":"e","data":${open.repeat(depth)}${close.repeat(depth)}}`;

describe('REST publish nesting', () => {
  it.each([40, 5_000, 50_000])('refuses data nested %i deep with 400 bad_request', async (depth) => {
    const r = await httpRequest(hub, 'POST', '/api/rooms/dashboard:1/messages', { headers: auth, body: nested(depth) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'bad_request', message: '"data" is nested deeper than 32' });
  });

  it('refuses deep objects too, and still publishes data at the limit', async () => {
    const objects = '{"event":"e","data":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}';
    expect(
      (await httpRequest(hub, 'POST', '/api/rooms/dashboard:1/messages', { headers: auth, body: objects })).status,
    ).toBe(400);
    const ok = await httpRequest(hub, 'POST', '/api/rooms/dashboard:1/messages', { headers: auth, body: nested(32) });
    expect(ok.status).toBe(201);
  });
});
