/**
 * Hostile credentials on an in-process hub: ambiguous credentials (two at once), non-finite numeric
 * dates and look-alike subs or names are refused with their documented answer, while a neighbour
 * from another address still gets its pong.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SECRET, connect, expectRefused, rawUpgrade, token } from '../support/hub.js';
import { closeHubs, hubWith, neighbour } from '../support/hostile-hub.js';

afterEach(closeHubs);

const b64 = (text: string): string => Buffer.from(text).toString('base64url');
const at = (): number => Math.floor(Date.now() / 1000);

/** Sign the payload's JSON text as given, so 1e400 and exact characters survive. */
function hs256Raw(payload: string): string {
  const input = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
}

function es256Raw(payload: string, key: KeyObject): string {
  const input = `${b64('{"alg":"ES256","typ":"JWT"}')}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const claims = (extra: string): string => `{"sub":"mallory","aud":"insight-hub","role":"editor","rooms":["*"]${extra}}`;

describe('one credential per upgrade', () => {
  it('two Authorization headers, a header and a bearer entry, or two bearer entries are refused with 400 bad_request', async () => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const alice = await token(hub, { sub: 'alice' });
    const mallory = await token(hub, { sub: 'mallory' });
    const twoHeaders = await rawUpgrade(hub, [
      ['Sec-WebSocket-Protocol', 'insight.v1'],
      ['Authorization', `Bearer ${alice}`],
      ['Authorization', `Bearer ${mallory}`],
    ]);
    expect(twoHeaders.status).toBe(400);
    await new Promise((r) => twoHeaders.socket.once('close', r));
    expect(JSON.parse(twoHeaders.body.toString())).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('more than one credential'),
    });

    const both = await expectRefused(hub, alice, { protocols: ['insight.v1', `bearer.${mallory}`] });
    expect(both).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringMatching(/1 Authorization header.*1 bearer/) },
    });
    const twoBearers = await expectRefused(hub, undefined, {
      protocols: ['insight.v1', `bearer.${alice}`, `bearer.${mallory}`],
    });
    expect(twoBearers).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringContaining('2 bearer subprotocol entries') },
    });
    // One credential, either way, still works.
    expect((await connect(hub, alice, { via: 'subprotocol' })).welcome.user.sub).toBe('alice');
    expect((await connect(hub, alice)).welcome.user.sub).toBe('alice');
    await n.answers();
  });
});

describe('numeric dates must be finite', () => {
  it.each([
    ['exp 1e400', ',"exp":1e400'],
    ['iat 1e400', `,"exp":${at() + 600},"iat":1e400`],
    ['nbf -1e400', `,"exp":${at() + 600},"nbf":-1e400`],
    ['exp past what a Date holds', ',"exp":1e300'],
  ])('HS256 (in line) %s: 401', async (_name, extra) => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const refused = await expectRefused(hub, hs256Raw(claims(extra)));
    expect(refused).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', message: expect.stringMatching(/token claim "(exp|iat|nbf)" invalid/) },
    });
    await n.answers();
  });

  it('public key (jose): exp 1e400 and iat 1e400 are refused with 401 too', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const hub = await hubWith({
      auth: { secret: undefined, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    const exp = await expectRefused(hub, es256Raw(claims(',"exp":1e400'), pair.privateKey));
    expect(exp).toMatchObject({ status: 401, body: { message: 'token claim "exp" invalid: not a finite date' } });
    const iat = await expectRefused(hub, es256Raw(claims(`,"exp":${at() + 600},"iat":1e400`), pair.privateKey));
    expect(iat).toMatchObject({ status: 401, body: { message: 'token claim "iat" invalid: not a finite date' } });
    // A well-formed token on the same path is admitted.
    const ok = await connect(hub, es256Raw(claims(`,"exp":${at() + 600}`), pair.privateKey));
    expect(ok.welcome.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('look-alike subs and names', () => {
  it.each([
    ['trailing space', 'bob ', /surrounding|leading or trailing whitespace/],
    ['zero-width space', 'bob\u200b', /invisible/],
    ['right-to-left override', '\u202ebob', /invisible/],
    ['fullwidth', 'ｂｏｂ', /NFKC/],
    ['no-break space inside', 'bob\u00a0smith', /invisible/],
    ['Hangul filler', '\u3164', /invisible/],
    ['a NUL', 'bob\u0000', /invisible/],
    ['braille blank (drawn as a space)', 'bob\u2800', /invisible/],
  ])('sub with a %s is refused at the upgrade with 401', async (_name, sub, reason) => {
    const hub = await hubWith();
    const n = await neighbour(hub);
    const refused = await expectRefused(
      hub,
      hs256Raw(`{"sub":${JSON.stringify(sub)},"aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect(refused.body.message).toMatch(/^token claim "sub" invalid: /);
    expect(refused.body.message).toMatch(reason);
    await n.answers();
  });

  it('a name with invisible characters is refused; a plain bob, a name with spaces and accents are admitted', async () => {
    const hub = await hubWith();
    const refused = await expectRefused(
      hub,
      hs256Raw(`{"sub":"bob2","name":"Bob\\u200b","aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(refused).toMatchObject({
      status: 401,
      body: { message: 'token claim "name" invalid: has control, format or invisible characters' },
    });
    const bob = await connect(
      hub,
      hs256Raw(`{"sub":"bob","name":"Bob Dupré ｱｷﾗ","aud":"insight-hub","exp":${at() + 600}}`),
    );
    expect(bob.welcome.user).toMatchObject({ sub: 'bob', name: 'Bob Dupré ｱｷﾗ' });
  });

  it('the hub does not mint a token it would refuse', async () => {
    const hub = await hubWith();
    await expect(token(hub, { sub: 'ｂｏｂ' })).rejects.toThrow('sub is not NFKC-normalized');
    await expect(token(hub, { sub: 'bob', name: ' Bob' })).rejects.toThrow('name has leading or trailing whitespace');
  });
});
