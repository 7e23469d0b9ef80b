// @vitest-environment happy-dom
/**
 * A token reaches the console only from a join link, this tab's store or the desktop bridge, and is
 * wiped from the address bar; anything that is not a token is ignored, never taken as one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  credentialsFromPaste,
  findCredentials,
  forgetCredentials,
  pageEnv,
  ROOM_KEY,
  TOKEN_KEY,
  type PageEnv,
} from '../../renderer/connection/credentials.js';
import { addressFromLocation, addressFromWsUrl } from '../../renderer/connection/hub-address.js';
import { readTokenClaims } from '../../renderer/connection/token-claims.js';
import {
  cleanDisplayName,
  forgetRedeemed,
  keepRedeemed,
  needsRedeeming,
  redeemedFor,
  rememberedName,
  rememberName,
} from '../../renderer/connection/invite-redeem.js';
import { isPermanent, readRefusal } from '../../renderer/connection/refusal.js';

const b64 = (o: object): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const TOKEN = `${b64({ alg: 'HS256' })}.${b64({ sub: 'alice', name: 'Alice Ünal', role: 'editor', rooms: ['dashboard:1', 'dashboard:*'], exp: 2_000_000_000, jti: 'j1' })}.sig`;

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
  delete (window as unknown as Record<string, unknown>).insightHub;
  delete (window as unknown as Record<string, unknown>).insightDesktop;
});

describe('credentials in a browser', () => {
  it('takes the token from the join link, keeps it in this tab, and wipes it from the address bar', async () => {
    history.replaceState(null, '', `/?x=1#token=${TOKEN}&room=dashboard:1`);
    const c = await findCredentials(pageEnv());
    expect(c).toMatchObject({ token: TOKEN, origin: 'link', room: 'dashboard:1' });
    expect(location.hash).toBe('');
    expect(location.search).toBe('?x=1');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe(TOKEN);
    expect(c!.address.wsUrl).toBe(`ws://${location.host}/ws`);
    expect(await c!.getToken()).toBe(TOKEN);
  });

  it('finds the token kept by an earlier load of this tab, and nothing once signed out', async () => {
    sessionStorage.setItem(TOKEN_KEY, TOKEN);
    sessionStorage.setItem(ROOM_KEY, 'dashboard:9');
    expect(await findCredentials(pageEnv())).toMatchObject({ origin: 'session', room: 'dashboard:9' });
    forgetCredentials(pageEnv());
    expect(await findCredentials(pageEnv())).toBeNull();
  });

  it('ignores a fragment that is not a token (console routes use the fragment too)', async () => {
    history.replaceState(null, '', '/#/clients');
    expect(await findCredentials(pageEnv())).toBeNull();
    expect(location.hash).toBe('#/clients');
  });

  it('accepts a pasted join link or a bare token, and nothing else', () => {
    const env: PageEnv = pageEnv();
    expect(credentialsFromPaste(env, `  https://hub.lan:7420/#token=${TOKEN}&room=dashboard:2 `)).toMatchObject({
      token: TOKEN,
      origin: 'pasted',
      room: 'dashboard:2',
    });
    expect(credentialsFromPaste(env, TOKEN)).toMatchObject({ token: TOKEN });
    expect(credentialsFromPaste(env, 'hello there')).toBeNull();
    expect(credentialsFromPaste(env, 'https://hub.lan/#token=<script>')).toBeNull();
  });
});

describe('credentials in the desktop app', () => {
  it('asks the preload bridge, uses its first token once, then a fresh one for every reconnect', async () => {
    let n = 0;
    (window as unknown as Record<string, unknown>).insightHub = {
      getConnection: async () => ({ url: 'ws://127.0.0.1:7420/ws', token: `t${++n}` }),
    };
    history.replaceState(null, '', `/#token=${TOKEN}`);
    const c = await findCredentials(pageEnv());
    expect(c).toMatchObject({
      origin: 'desktop',
      token: 't1',
      address: { wsUrl: 'ws://127.0.0.1:7420/ws', httpUrl: 'http://127.0.0.1:7420' },
    });
    expect(await c!.getToken()).toBe('t1');
    expect(await c!.getToken()).toBe('t2');
    expect(await c!.getToken()).toBe('t3');
  });

  it('also understands the desktop API that hands over both URLs', async () => {
    (window as unknown as Record<string, unknown>).insightDesktop = {
      getHubConnection: async () => ({ url: 'https://10.0.0.5:7420', wsUrl: 'wss://10.0.0.5:7420/ws', token: 'tok' }),
    };
    const c = await findCredentials(pageEnv());
    expect(c).toMatchObject({
      origin: 'desktop',
      address: { wsUrl: 'wss://10.0.0.5:7420/ws', httpUrl: 'https://10.0.0.5:7420' },
    });
  });
});

describe('addresses and claims', () => {
  it('derives the WebSocket URL from the page, secure when the page is', () => {
    expect(addressFromLocation({ protocol: 'https:', host: 'hub.lan:8443' })).toEqual({
      wsUrl: 'wss://hub.lan:8443/ws',
      httpUrl: 'https://hub.lan:8443',
    });
    expect(addressFromWsUrl('ws://[::1]:7420/ws')).toEqual({
      wsUrl: 'ws://[::1]:7420/ws',
      httpUrl: 'http://[::1]:7420',
    });
  });

  it('reads claims for display, including UTF-8 names, and refuses what is not a JWT', () => {
    expect(readTokenClaims(TOKEN)).toEqual({
      sub: 'alice',
      name: 'Alice Ünal',
      role: 'editor',
      rooms: ['dashboard:1', 'dashboard:*'],
      expiresAt: 2_000_000_000_000,
      jti: 'j1',
      invite: false,
    });
    expect(readTokenClaims('abc')).toBeNull();
    expect(readTokenClaims('a.!!!.c')).toBeNull();
  });
});

describe('a redeemed invite', () => {
  const INVITE = `${b64({ alg: 'HS256' })}.${b64({ sub: 'guest-x', role: 'viewer', rooms: ['dashboard:1'], exp: 2_000_000_000, jti: 'inv-1', invite: true })}.sig`;
  const personal = (exp: number): string =>
    `${b64({ alg: 'HS256' })}.${b64({ sub: 'guest-ann', role: 'viewer', rooms: ['dashboard:1'], exp, jti: 'p1' })}.sig`;

  beforeEach(() => localStorage.clear());

  it('is asked for only while the invite is not exchanged; the personal token is reused per invite until it expires', () => {
    expect(needsRedeeming(INVITE)).toBe(true);
    expect(needsRedeeming(TOKEN)).toBe(false);
    expect(redeemedFor(localStorage, INVITE)).toBeNull();
    keepRedeemed(localStorage, INVITE, personal(2_000_000_000));
    expect(redeemedFor(localStorage, INVITE)).toBe(personal(2_000_000_000));
    expect(needsRedeeming(personal(2_000_000_000))).toBe(false);
    forgetRedeemed(localStorage, personal(2_000_000_000));
    expect(redeemedFor(localStorage, INVITE)).toBeNull();
    keepRedeemed(localStorage, INVITE, personal(1000));
    expect(redeemedFor(localStorage, INVITE, 1_000_001)).toBeNull();
    expect(localStorage.length).toBe(0);
  });

  it('remembers the display name, cleaned', () => {
    expect(rememberedName(localStorage)).toBe('');
    rememberName(localStorage, cleanDisplayName('  Ann   Lee  '));
    expect(rememberedName(localStorage)).toBe('Ann Lee');
    expect(cleanDisplayName('x'.repeat(100))).toHaveLength(64);
  });

  it('reads a refusal body as the hub writes it, and nothing else', () => {
    expect(
      readRefusal({
        error: 'forbidden',
        message: 'banned until …: spam',
        reason: 'banned',
        until: 5,
        banReason: 'spam',
      }),
    ).toEqual({ reason: 'banned', message: 'banned until …: spam', until: 5, banReason: 'spam' });
    expect(readRefusal({ error: 'unauthorized', reason: 'expired' })).toEqual({ reason: 'expired', message: '' });
    expect(readRefusal({ error: 'forbidden', reason: 'because' })).toBeNull();
    expect(readRefusal({})).toBeNull();
    expect(isPermanent({ reason: 'banned', message: '', until: 5 })).toBe(false);
    expect(isPermanent({ reason: 'banned', message: '' })).toBe(true);
    expect(isPermanent({ reason: 'used_up', message: '' })).toBe(true);
  });
});
