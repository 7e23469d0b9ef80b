/**
 * Hostile HS256 tokens through a real hub are refused with 401 at the upgrade and `unauthorized` in
 * an `auth` refresh (the connection kept, its identity unchanged); claims under `__proto__` grant nothing.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { TEST_SECRET, connect, expectRefused, startHub, token, unsignedJwt, type TestClient } from '../support/hub.js';

let hub: Hub;
let bystander: TestClient;
const now = (): number => Math.floor(Date.now() / 1000);

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
function signRaw(headerJson: string, payloadJson: string, secret = TEST_SECRET): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const HS = '{"alg":"HS256","typ":"JWT"}';
const claims = (extra = ''): string => `{"sub":"mallory","aud":"insight-hub","exp":${now() + 600}${extra}}`;

beforeAll(async () => {
  hub = await startHub({ limits: { maxConnectionsPerUser: 1000, errorBudget: 1_000_000 } });
  bystander = await connect(hub, await token(hub, { sub: 'bystander' }));
});
afterAll(async () => {
  bystander.close();
  await hub.close();
});

const HOSTILE: Array<[string, () => string]> = [
  ['alg none', () => unsignedJwt({ sub: 'mallory', role: 'admin' })],
  ['alg none with the HMAC of the secret', () => signRaw('{"alg":"none"}', claims())],
  ['crit', () => signRaw('{"alg":"HS256","crit":["x"],"x":1}', claims())],
  ['b64 false', () => signRaw('{"alg":"HS256","b64":false}', claims())],
  ['exp missing', () => signRaw(HS, '{"sub":"mallory","aud":"insight-hub"}')],
  ['exp a string', () => signRaw(HS, `{"sub":"mallory","aud":"insight-hub","exp":"${now() + 600}"}`)],
  [
    'exp 31 s ago (outside the tolerance)',
    () => signRaw(HS, `{"sub":"mallory","aud":"insight-hub","exp":${now() - 31}}`),
  ],
  ['nbf 60 s ahead', () => signRaw(HS, claims(`,"nbf":${now() + 60}`))],
  ['aud other', () => signRaw(HS, `{"sub":"mallory","aud":"other","exp":${now() + 600}}`)],
  [
    'aud hidden under __proto__',
    () => signRaw(HS, `{"sub":"mallory","exp":${now() + 600},"__proto__":{"aud":"insight-hub"}}`),
  ],
  [
    'sub hidden under __proto__',
    () => signRaw(HS, `{"aud":"insight-hub","exp":${now() + 600},"__proto__":{"sub":"mallory"}}`),
  ],
  ['sub empty', () => signRaw(HS, `{"sub":"","aud":"insight-hub","exp":${now() + 600}}`)],
  ['sub 129 characters', () => signRaw(HS, `{"sub":"${'s'.repeat(129)}","aud":"insight-hub","exp":${now() + 600}}`)],
  ['sub a number', () => signRaw(HS, `{"sub":42,"aud":"insight-hub","exp":${now() + 600}}`)],
  ['role __proto__', () => signRaw(HS, claims(',"role":"__proto__"'))],
  ['role Admin', () => signRaw(HS, claims(',"role":"Admin"'))],
  ['rooms with a space', () => signRaw(HS, claims(',"rooms":["a b"]'))],
  ['rooms $admin', () => signRaw(HS, claims(',"rooms":["$admin"]'))],
  ['rooms a string', () => signRaw(HS, claims(',"rooms":"*"'))],
  ['signed with another secret', () => signRaw(HS, claims(), 'another-secret-that-is-long-enough-0123456789')],
  [
    'signature with one character changed',
    () => {
      const t = signRaw(HS, claims());
      return t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1);
    },
  ],
];

describe('hostile tokens at the upgrade', () => {
  it.each(HOSTILE)('%s: 401 unauthorized, nothing upgraded', async (_name, make) => {
    const r = await expectRefused(hub, make());
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
    expect(bystander.closed).toBeUndefined();
  });

  it('claims under __proto__ grant nothing: the bearer is a viewer with only its personal room', async () => {
    const t = signRaw(HS, claims(',"__proto__":{"role":"admin","rooms":["*"],"name":"Admin"}'));
    const c = await connect(hub, t);
    expect(c.welcome.user).toEqual({ sub: 'mallory', name: 'mallory', role: 'viewer' });
    expect(await c.request({ type: 'subscribe', room: '$admin' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await c.request({ type: 'subscribe', room: 'dashboard:1' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await c.request({ type: 'subscribe', room: 'user:bystander' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await c.request({ type: 'subscribe', room: 'user:mallory' })).toMatchObject({ type: 'ack' });
    c.close();
  });
});

describe('hostile tokens in an auth refresh', () => {
  it('every hostile token is refused with unauthorized and the connection keeps its identity', async () => {
    const c = await connect(hub, await token(hub, { sub: 'mallory', role: 'viewer', rooms: ['r:1'] }));
    await c.request({ type: 'subscribe', room: 'r:1' });
    for (const [name, make] of HOSTILE) {
      const answer = await c.request({ type: 'auth', token: make() });
      expect({ name, type: answer.type, code: answer.code }).toEqual({ name, type: 'error', code: 'unauthorized' });
    }
    // Still the old viewer, still in its room, and publishing is still refused.
    expect(c.closed).toBeUndefined();
    expect(await c.request({ type: 'publish', room: 'r:1', event: 'x', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    c.close();
  });
});
