/**
 * AuditLog numbers entries from 1 across rotations and restarts (a torn last line skipped), throws
 * when it cannot write; AuditThrottle writes at most its cap per second plus one summary.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../../hub/admin/audit-log.js';
import { AuditThrottle } from '../../hub/admin/audit-throttle.js';
import { tempDir } from '../support/hub.js';

const action = (n: number, sub = 'root'): AuditRecord => ({
  kind: 'action',
  action: 'inspect',
  via: 'rest',
  ip: '127.0.0.1',
  sub,
  details: { target: { room: `room-${n}` }, on: true },
});

describe('AuditLog', () => {
  it('numbers entries from 1, tells listeners after writing, and pages newest first with filters', () => {
    const log = new AuditLog({ dir: tempDir(), maxBytes: 1 << 20, now: () => 1000 });
    const heard: number[] = [];
    log.onEntry((e) => heard.push(e.seq));
    for (let i = 1; i <= 7; i++) log.append(action(i, i % 2 ? 'odd' : 'even'), i === 1);
    expect(heard).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.page({ limit: 3 })).toMatchObject({
      next: 5,
      entries: [{ seq: 7, time: 1000 }, { seq: 6 }, { seq: 5 }],
    });
    expect(log.page({ limit: 3, before: 5 }).entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    expect(log.page({ limit: 3, before: 2 })).toMatchObject({ next: null, entries: [{ seq: 1 }] });
    expect(log.page({ limit: 10, sub: 'even' }).entries.map((e) => e.seq)).toEqual([6, 4, 2]);
    expect(log.page({ limit: 10, kind: 'refused' }).entries).toEqual([]);
  });

  it('rotates by size keeping N files, and drops the oldest beyond them', () => {
    const dir = tempDir();
    const log = new AuditLog({ dir, maxBytes: 300, keep: 2 });
    for (let i = 1; i <= 12; i++) log.append(action(i), false);
    expect(existsSync(join(dir, 'audit.log.2'))).toBe(true);
    expect(existsSync(join(dir, 'audit.log.3'))).toBe(false);
    const seqs = log.page({ limit: 100 }).entries.map((e) => e.seq);
    expect(seqs[0]).toBe(12);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 12 - i));
    expect(seqs.length).toBeLessThan(12);
  });

  it('continues numbering after a restart and skips a line cut short by a crash', () => {
    const dir = tempDir();
    const first = new AuditLog({ dir, maxBytes: 1 << 20 });
    first.append(action(1), true);
    first.append(action(2), true);
    appendFileSync(join(dir, 'audit.log'), '{"seq":3,"time":1,"ki');
    const second = new AuditLog({ dir, maxBytes: 1 << 20 });
    expect(second.append(action(3), true).seq).toBe(3);
    const entries = second.page({ limit: 10 }).entries;
    expect(entries.map((e) => e.details && 'target' in e.details && e.details.target)).toEqual(
      [3, 2, 1].map((n) => ({ room: `room-${n}` })),
    );
    expect(readFileSync(join(dir, 'audit.log'), 'utf8').split('\n')).toHaveLength(5); // 2 entries, the cut line, 1 entry, ''
  });

  it('throws when the entry cannot be written, and a failing listener does not make it throw', () => {
    const dir = tempDir();
    const log = new AuditLog({ dir, maxBytes: 1 << 20 });
    log.onEntry(() => {
      throw new Error('listener broke');
    });
    expect(log.append(action(1), true).seq).toBe(1);
    const blocked = tempDir();
    mkdirSync(join(blocked, 'audit.log'));
    const unwritable = new AuditLog({ dir: blocked, maxBytes: 1 << 20 });
    expect(() => unwritable.append(action(1), true)).toThrow();
    expect(unwritable.page({ limit: 5 }).entries).toEqual([]);
  });
});

describe('AuditThrottle', () => {
  it('writes up to the cap per second and one summary of the rest', () => {
    const dir = tempDir();
    const log = new AuditLog({ dir, maxBytes: 1 << 20 });
    let now = 10_000;
    const throttle = new AuditThrottle(
      log,
      3,
      () => undefined,
      () => now,
    );
    // Each from its own address: one address repeating itself is folded (see the repeats tests).
    const refusal = (n: number): AuditRecord => ({
      kind: 'refused',
      action: 'upgrade',
      via: 'upgrade',
      ip: `10.0.0.${n}`,
    });
    for (let i = 0; i < 10; i++) throttle.record(refusal(i));
    now += 1000;
    throttle.record(refusal(10));
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['upgrade', 'upgrade', 'upgrade', 'suppressed', 'upgrade']);
    expect(lines[3].details).toEqual({ count: 7, perSecond: 3 });
  });

  it('reports a write failure instead of throwing', () => {
    const log = new AuditLog({ dir: tempDir(), maxBytes: 1 << 20 });
    log.append = () => {
      throw new Error('disk full');
    };
    const errors: unknown[] = [];
    new AuditThrottle(log, 3, (e) => errors.push(e)).record({
      kind: 'refused',
      action: 'upgrade',
      via: 'upgrade',
      ip: '::1',
    });
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
  });
});

describe('AuditThrottle repeats', () => {
  const refusal = (sub: string | undefined, why: string, ip = '10.0.0.1'): AuditRecord => ({
    kind: 'refused',
    action: 'upgrade',
    via: 'upgrade',
    ip,
    sub,
    details: { status: 403, code: 'forbidden', reason: `token ${why}`, refusal: why },
  });

  it('writes a refusal once per (sub or address, reason) within the window, then the next one with the count folded in', () => {
    let now = 1_000_000;
    const log = new AuditLog({ dir: tempDir(), maxBytes: 1 << 20, now: () => now });
    const throttle = new AuditThrottle(
      log,
      100,
      (err) => {
        throw err;
      },
      () => now,
      60_000,
    );
    for (let i = 0; i < 110; i++) {
      throttle.record(refusal('banned-tab', 'banned'));
      now += 500;
    }
    throttle.record(refusal('banned-tab', 'expired'));
    throttle.record(refusal(undefined, 'invalid', '10.0.0.7'));
    throttle.record(refusal(undefined, 'invalid', '10.0.0.7'));
    throttle.record(refusal(undefined, 'invalid', '10.0.0.8'));
    const entries = log.page({ limit: 100 }).entries.reverse();
    // 110 retries over 55 s of a 60 s window: one entry; a new reason or address is its own entry.
    expect(entries.map((e) => [e.sub ?? e.ip, e.details && 'refusal' in e.details && e.details.refusal])).toEqual([
      ['banned-tab', 'banned'],
      ['banned-tab', 'expired'],
      ['10.0.0.7', 'invalid'],
      ['10.0.0.8', 'invalid'],
    ]);
    now += 60_000;
    throttle.record(refusal('banned-tab', 'banned'));
    expect(log.page({ limit: 1 }).entries[0]).toMatchObject({
      sub: 'banned-tab',
      details: { refusal: 'banned', repeated: 109 },
    });
  });

  it('leaves denied attempts to the per-second cap only', () => {
    const log = new AuditLog({ dir: tempDir(), maxBytes: 1 << 20 });
    const throttle = new AuditThrottle(
      log,
      100,
      (err) => {
        throw err;
      },
      () => 5000,
      60_000,
    );
    for (let i = 0; i < 3; i++)
      throttle.record({
        kind: 'denied',
        action: 'kick',
        via: 'ws',
        ip: '10.0.0.1',
        sub: 'eve',
        details: { message: 'admin role required' },
      });
    expect(log.page({ limit: 10 }).entries).toHaveLength(3);
  });
});
