/**
 * Every error the hub's HTTP side answers is JSON `{error, message}` — the web client's files
 * included — and a method a path does not take is 405 `bad_request` with `Allow`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { httpRequest, startHub, token } from '../support/hub.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(async () => {
  await hub.close();
});

function expectJsonError(r: Awaited<ReturnType<typeof httpRequest>>, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  expect(r.body).toEqual({ error: code, message: expect.any(String) });
}

describe('HTTP error answers', () => {
  it('405 JSON with Allow for a method the web client does not take', async () => {
    const r = await httpRequest(hub, 'POST', '/', { body: '' });
    expectJsonError(r, 405, 'bad_request');
    expect(r.headers.allow).toBe('GET, HEAD');
  });

  it('400 JSON for a malformed path', async () => {
    expectJsonError(await httpRequest(hub, 'GET', '/%E0%A4%A'), 400, 'bad_request');
  });

  it('405 JSON naming the allowed methods for an API route', async () => {
    const auth = { authorization: `Bearer ${await token(hub, { sub: 'ed' })}` };
    const r = await httpRequest(hub, 'GET', '/api/rooms/dashboard:1/messages', { headers: auth });
    expectJsonError(r, 405, 'bad_request');
    expect(r.headers.allow).toBe('POST');
    expect(r.body.message).toContain('GET');
  });
});
