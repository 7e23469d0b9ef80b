/**
 * The protocol's checked readers: a value of the contract's shape is read as that type, anything
 * else (a corrupt record, a foreign REST body, a `$admin` name reused for another shape) is
 * undefined or null instead of trusted; an audit page keeps the entries it can read.
 */
import { describe, expect, it } from 'vitest';
import {
  readAdminEvent,
  readAuditEntry,
  readAuditPage,
  readInvite,
  type AuditEntry,
} from '../../hub/protocol/index.js';

const kick: AuditEntry = {
  seq: 3,
  time: 10,
  kind: 'action',
  action: 'kick',
  via: 'ws',
  ip: '127.0.0.1',
  sub: 'root',
  details: { target: { clientId: 'c1', sub: null }, reason: 'tidy up' },
};
const denied: AuditEntry = {
  seq: 2,
  time: 9,
  kind: 'denied',
  action: 'subscribe',
  via: 'ws',
  ip: '::1',
  details: { message: 'not allowed to join $admin' },
};

describe('audit readers', () => {
  it('reads entries as the hub writes them, details by kind and action', () => {
    expect(readAuditEntry(kick)).toEqual(kick);
    expect(readAuditEntry(denied)).toEqual(denied);
    expect(readAuditEntry({ ...kick, details: undefined })).toEqual({ ...kick, details: undefined });
  });

  it('refuses an entry with an unknown action, a wrong field or details of another action', () => {
    expect(readAuditEntry({ ...kick, action: 'explode' })).toBeUndefined();
    expect(readAuditEntry({ ...kick, seq: '3' })).toBeUndefined();
    expect(readAuditEntry({ ...kick, details: { target: { sub: 'x' }, minutes: 'ten' } })).toBeUndefined();
    expect(readAuditEntry({ ...kick, action: 'ban' })).toBeUndefined();
    expect(readAuditEntry('kick')).toBeUndefined();
  });

  it('reads a page, leaving out what it cannot read; a body that is no page is undefined', () => {
    expect(readAuditPage({ entries: [kick, { seq: 'x' }, denied], next: 2 })).toEqual({
      entries: [kick, denied],
      next: 2,
    });
    expect(readAuditPage({ entries: [], next: null })).toEqual({ entries: [], next: null });
    expect(readAuditPage({ error: 'forbidden', message: 'admin role required' })).toBeUndefined();
    expect(readAuditPage([kick])).toBeUndefined();
  });
});

describe('stored records', () => {
  it('reads an invite, and refuses one with a role the hub has not', () => {
    const invite = {
      jti: 'j',
      sub: 'invite-x',
      name: 'Guest',
      rooms: ['dash:*'],
      role: 'viewer',
      maxUses: null,
      createdAt: 1,
      expiresAt: 2,
      by: 'root',
    };
    expect(readInvite(invite)).toEqual(invite);
    expect(readInvite({ ...invite, role: 'owner' })).toBeUndefined();
    expect(readInvite({ ...invite, rooms: ['a', 1] })).toBeUndefined();
  });
});

describe('readAdminEvent', () => {
  it('narrows a known name to its payload and drops a name or shape the hub never sends', () => {
    const e = readAdminEvent('room.created', { room: 'dash:1' }, 5);
    expect(e).toEqual({ event: 'room.created', data: { room: 'dash:1' }, time: 5 });
    if (e?.event === 'room.created') expect(e.data.room).toBe('dash:1');
    expect(readAdminEvent('room.exploded', { room: 'dash:1' }, 5)).toBeNull();
    expect(readAdminEvent('room.created', { name: 'dash:1' }, 5)).toBeNull();
    expect(readAdminEvent('audit', { ...kick, kind: 'whatever' }, 5)).toBeNull();
    expect(readAdminEvent('stats', 'busy', 5)).toBeNull();
  });
});
