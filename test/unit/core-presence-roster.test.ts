/** PresenceRoster: pages in join order, cursors that survive churn, the first page's cached JSON. */
import { describe, expect, it } from 'vitest';
import { MEMBERS_PAGE, PresenceRoster } from '../../hub/core/presence-roster.js';
import { HubError, type PresenceMember } from '../../hub/protocol/index.js';

const member = (i: number, state: PresenceMember['state'] = {}): PresenceMember => ({
  clientId: `c${i}`,
  sub: `u${i}`,
  name: `n${i}`,
  state,
});

function pageAll(r: PresenceRoster): PresenceMember[] {
  const out: PresenceMember[] = [];
  let page = r.page();
  out.push(...page.members);
  while (page.next) {
    page = r.page(page.next);
    out.push(...page.members);
  }
  return out;
}

describe('PresenceRoster', () => {
  it('serves pages of at most 100 in join order; an update keeps its place, a rejoin goes last', () => {
    const r = new PresenceRoster();
    for (let i = 0; i < 250; i++) r.set(member(i));
    r.set(member(3, { typing: true }));
    r.remove('c5');
    r.set(member(5));
    const first = r.page();
    expect(first.members).toHaveLength(MEMBERS_PAGE);
    expect(first.count).toBe(250);
    expect(JSON.parse(`[${first.inner}]`)).toEqual(first.members);
    const all = pageAll(r);
    expect(all.map((m) => m.clientId)).toEqual([
      ...Array.from({ length: 250 }, (_, i) => `c${i}`).filter((c) => c !== 'c5'),
      'c5',
    ]);
    expect(all[3]!.state).toEqual({ typing: true });
  });

  it('returns every member present for the whole paging exactly once while others join and leave', () => {
    const r = new PresenceRoster();
    for (let i = 0; i < 300; i++) r.set(member(i));
    const seen: string[] = [];
    let page = r.page();
    seen.push(...page.members.map((m) => m.clientId));
    let n = 300;
    while (page.next) {
      // Churn between pages: the first 20 of the room leave, 30 newcomers join.
      for (let k = 0; k < 20; k++) r.remove(`c${n - 300 + k}`);
      for (let k = 0; k < 30; k++) r.set(member(n++));
      page = r.page(page.next);
      seen.push(...page.members.map((m) => m.clientId));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 100; i < 300; i++) expect(seen).toContain(`c${i}`);
  });

  it('never changes the bytes of a page it served: joins append after them, or into a copy', () => {
    const r = new PresenceRoster();
    const served: Array<{ inner: Buffer; text: string; members: PresenceMember[] }> = [];
    for (let i = 0; i < MEMBERS_PAGE + 5; i++) {
      r.set(member(i, i % 3 === 0 ? { editing: `widget-${'é'.repeat(i % 7)}` } : {}));
      const page = r.page();
      served.push({ inner: page.inner, text: page.inner.toString(), members: page.members });
    }
    for (const { inner, text, members } of served) {
      expect(inner.toString()).toBe(text);
      expect(JSON.parse(`[${text}]`)).toEqual(members);
    }
    // Consecutive acks of a filling page share the buffer (the later one extends the earlier one).
    const [a, b] = served.slice(10, 12);
    expect(b!.text.startsWith(a!.text)).toBe(true);
    expect(served.at(-1)!.members).toHaveLength(MEMBERS_PAGE);
  });

  it('refuses cursors of another roster and malformed ones as bad_request', () => {
    const a = new PresenceRoster();
    const b = new PresenceRoster();
    for (let i = 0; i < 150; i++) (a.set(member(i)), b.set(member(i)));
    const next = a.page().next!;
    expect(() => b.page(next)).toThrow(HubError);
    for (const bad of ['', 'x', `${next}0000000000000`, next.replace('.', ':')])
      expect(() => a.page(bad)).toThrow(HubError);
  });

  it('refuses a forged cursor: the right room tag with a position it never gave out', () => {
    const r = new PresenceRoster();
    for (let i = 0; i < 250; i++) r.set(member(i));
    const [tag, position] = r.page().next!.split('.');
    expect(Number.parseInt(position!, 36)).toBe(MEMBERS_PAGE);
    // Before cursors were signed, `<tag>.<any base-36 number>` was taken as a real one.
    for (const forged of [`${tag}.1`, `${tag}.${position}`, `${tag}.${(150).toString(36)}.AAAAAAAAAAAA`]) {
      expect(() => r.page(forged)).toThrow(/members cursor is not valid/);
    }
    // The cursors it did give out still page the whole room, each member once.
    const seen: string[] = [];
    let page = r.page();
    for (;;) {
      seen.push(...page.members.map((m) => m.clientId));
      if (!page.next) break;
      page = r.page(page.next);
    }
    expect(new Set(seen).size).toBe(250);
    expect(seen).toHaveLength(250);
  });

  it('keeps the cached first page equal to a fresh one through random joins, updates and leaves', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const r = new PresenceRoster();
    const fresh = new Map<string, PresenceMember>();
    let next = 0;
    for (let step = 0; step < 3000; step++) {
      const op = rand(10);
      if (op < 5 || fresh.size === 0) {
        const m = member(next++);
        r.set(m);
        fresh.set(m.clientId, m);
      } else if (op < 7) {
        const id = [...fresh.keys()][rand(fresh.size)]!;
        const m = { ...fresh.get(id)!, state: { n: step } };
        r.set(m);
        fresh.set(id, m);
      } else {
        const id = [...fresh.keys()][rand(fresh.size)]!;
        r.remove(id);
        fresh.delete(id);
      }
      if (step % 7 === 0) {
        const page = r.page();
        const expected = [...fresh.values()].slice(0, MEMBERS_PAGE);
        expect(page.members).toEqual(expected);
        expect(JSON.parse(`[${page.inner}]`)).toEqual(expected);
        expect(page.count).toBe(fresh.size);
        expect(page.next !== undefined).toBe(fresh.size > MEMBERS_PAGE);
      }
    }
    expect(pageAll(r)).toEqual([...fresh.values()]);
  });

  it('answers get, has, size and values like a map in join order, through leaves that compact it', () => {
    const r = new PresenceRoster();
    const fresh = new Map<string, PresenceMember>();
    for (let i = 0; i < 1000; i++) (r.set(member(i)), fresh.set(`c${i}`, member(i)));
    // Most leave (compaction runs several times), some update, a few join again at the end.
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 3) {
        const m = member(i, { editing: `w${i}` });
        expect(r.set(m)).toBe(false);
        fresh.set(m.clientId, m);
      } else if (i % 10 !== 7) {
        expect(r.remove(`c${i}`)).toEqual(fresh.get(`c${i}`));
        fresh.delete(`c${i}`);
      }
    }
    for (let i = 0; i < 50; i += 5) (expect(r.set(member(i))).toBe(true), fresh.set(`c${i}`, member(i)));
    expect(r.remove('c1')).toBeUndefined();
    expect(r.size).toBe(fresh.size);
    expect(r.values()).toEqual([...fresh.values()]);
    for (let i = 0; i < 1000; i++) {
      expect(r.has(`c${i}`)).toBe(fresh.has(`c${i}`));
      expect(r.get(`c${i}`)).toEqual(fresh.get(`c${i}`));
    }
    expect(pageAll(r)).toEqual([...fresh.values()]);
  });
});
