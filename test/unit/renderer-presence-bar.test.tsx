// @vitest-environment happy-dom
/** The dashboard's presence bar in a big room: the count, you, the active people and a few viewers. */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { PresenceMember } from '../../hub/protocol/index.js';
import { PresenceBar, VIEWERS_SHOWN } from '../../renderer/dashboard/PresenceBar.js';
import { initials } from '../../renderer/shared/avatar-color.js';

afterEach(cleanup);

const member = (i: number, state: PresenceMember['state'] = {}): PresenceMember => ({
  clientId: `c${i}`,
  sub: `u${i}`,
  name: `User ${String(i).padStart(4, '0')}`,
  state,
});

describe('PresenceBar in a big room', () => {
  it('shows the exact count and lists only you, who is editing or typing, and a few viewers', () => {
    // The client knows 300 members (its first page and the diffs) of a room of 5,000.
    const members = Array.from({ length: 300 }, (_, i) => member(i));
    members[120] = member(120, { editing: 'revenue' });
    members[250] = member(250, { typing: true });
    render(<PresenceBar members={members} count={5000} selfId="c299" />);
    expect(screen.getByRole('heading').textContent).toBe('Here now · 5,000');
    const rows = screen.getAllByTestId('member');
    expect(rows).toHaveLength(1 + 2 + VIEWERS_SHOWN);
    expect(rows[0]!.textContent).toContain('(you)');
    expect(rows.slice(1, 3).map((r) => r.getAttribute('data-sub'))).toEqual(['u120', 'u250']);
    expect(rows[1]!.textContent).toContain('editing revenue');
    expect(rows[2]!.textContent).toContain('typing…');
    expect(screen.getByTestId('presence-more').textContent).toBe(
      `and ${(5000 - rows.length).toLocaleString('en')} more viewing`,
    );
  });

  it('lists everyone in a small room, with no "more" line', () => {
    render(<PresenceBar members={[member(1), member(2, { typing: true })]} count={2} selfId="c1" />);
    expect(screen.getAllByTestId('member')).toHaveLength(2);
    expect(screen.queryByTestId('presence-more')).toBeNull();
  });

  it('shows one row per person: their tabs counted, the busiest tab standing for them, you marked in any of yours', () => {
    const ann = (clientId: string, state: PresenceMember['state'] = {}): PresenceMember => ({
      clientId,
      sub: 'ann',
      name: 'Ann',
      state,
    });
    render(
      <PresenceBar
        members={[ann('a1'), ann('a2', { editing: 'margin' }), ann('a3'), member(7)]}
        count={4}
        selfId="a3"
      />,
    );
    expect(screen.getByRole('heading').textContent).toBe('Here now · 2');
    const rows = screen.getAllByTestId('member');
    expect(rows.map((r) => [r.getAttribute('data-sub'), r.getAttribute('data-tabs')])).toEqual([
      ['ann', '3'],
      ['u7', '1'],
    ]);
    expect(rows[0]!.textContent).toContain('(you)');
    expect(rows[0]!.textContent).toContain('editing margin');
    expect(rows[0]!.textContent).toContain('3 tabs');
    expect(screen.queryByTestId('presence-more')).toBeNull();
  });
});

describe('initials', () => {
  it('come from letters and digits only, first and last word', () => {
    expect(initials('Lena (late)')).toBe('LL');
    expect(initials('ana.maria@example')).toBe('AE');
    expect(initials('zoë')).toBe('ZO');
    expect(initials('  (( ))  ')).toBe('?');
    expect(initials('analyst-13')).toBe('A1');
  });
});
