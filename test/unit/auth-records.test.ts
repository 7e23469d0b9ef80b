/**
 * Bans and revocations hold exactly while they last and survive a restart through the records file
 * (a corrupt one kept aside; a stored record that is not a ban is skipped and reported, never
 * trusted); a limited token's uses are counted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BanList } from '../../hub/auth/bans.js';
import { Revocations } from '../../hub/auth/revocations.js';
import { FileRecordStore } from '../../hub/engines/memory/record-store.js';
import { tempDir } from '../support/hub.js';

describe('BanList', () => {
  it('finds a ban while it lasts and forgets it after', async () => {
    let now = 1_000_000;
    const bans = new BanList(new FileRecordStore(undefined, () => now), () => now);
    await bans.ban({ sub: 'mallory', until: now + 60_000, reason: 'spam', by: 'admin', at: now });
    expect(await bans.find('mallory')).toMatchObject({ sub: 'mallory', reason: 'spam' });
    expect(await bans.find('alice')).toBeUndefined();
    expect((await bans.list()).map((b) => b.sub)).toEqual(['mallory']);
    now += 60_000;
    expect(await bans.find('mallory')).toBeUndefined();
    expect(await bans.list()).toEqual([]);
  });

  it('unban says whether there was a ban', async () => {
    const bans = new BanList(new FileRecordStore(undefined));
    await bans.ban({ sub: 'm', until: Date.now() + 60_000, reason: 'r', by: 'a', at: Date.now() });
    expect(await bans.unban('m')).toBe(true);
    expect(await bans.find('m')).toBeUndefined();
    expect(await bans.unban('m')).toBe(false);
  });

  it('skips and reports a stored record that is not a ban', async () => {
    const store = new FileRecordStore(undefined);
    const corrupt: string[] = [];
    const bans = new BanList(store, Date.now, (key) => corrupt.push(key));
    await bans.ban({ sub: 'good', until: Date.now() + 60_000, reason: 'r', by: 'a', at: Date.now() });
    // A hand-edited record: `until` is text, so a check `until > now` would read it as NaN.
    await store.put('ban', 'odd', { sub: 'odd', until: 'forever', reason: 'r', by: 'a', at: 1 });
    await store.put('ban', 'bare', 'mallory');
    // In force by its `until`, but without the reason and admin a ban has: not one.
    await store.put('ban', 'partial', { sub: 'partial', until: Date.now() + 60_000 });
    expect((await bans.list()).map((b) => b.sub)).toEqual(['good']);
    expect(await bans.find('partial')).toBeUndefined();
    expect(corrupt.sort()).toEqual(['bare', 'odd', 'partial', 'partial']);
  });

  it('survives a restart through the records file, and keeps a corrupt file aside', async () => {
    const file = join(tempDir(), 'records.json');
    const first = new BanList(new FileRecordStore(file));
    await first.ban({ sub: 'm', until: Date.now() + 60_000, reason: 'r', by: 'a', at: Date.now() });
    const second = new BanList(new FileRecordStore(file));
    expect(await second.find('m')).toMatchObject({ sub: 'm' });
    writeFileSync(file, '{ not json');
    const third = new BanList(new FileRecordStore(file));
    expect(await third.find('m')).toBeUndefined();
    await third.ban({ sub: 'n', until: Date.now() + 60_000, reason: 'r', by: 'a', at: Date.now() });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty(['ban/n']);
  });
});

describe('Revocations', () => {
  it('revokes a jti until a time, and never matches a token without jti', async () => {
    let now = Date.now();
    const r = new Revocations(new FileRecordStore(undefined, () => now));
    await r.revoke('j1', now + 1000);
    expect(await r.isRevoked('j1')).toBe(true);
    expect(await r.isRevoked('j2')).toBe(false);
    expect(await r.isRevoked(undefined)).toBe(false);
    now += 2000;
    expect(await r.isRevoked('j1')).toBe(false);
  });

  it('counts uses of a limited token', async () => {
    const r = new Revocations(new FileRecordStore(undefined));
    const until = Date.now() + 60_000;
    expect(await r.use('inv', 2, until)).toBe(true);
    expect(await r.use('inv', 2, until)).toBe(true);
    expect(await r.use('inv', 2, until)).toBe(false);
    expect(await r.use('other', 2, until)).toBe(true);
  });
});
