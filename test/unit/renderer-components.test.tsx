// @vitest-environment happy-dom
/**
 * The dashboard's components show what they are given and nothing more: alerts by severity once per
 * id, presence with this user first, markup and query cells as text, and why a session ended.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { PresenceMember } from '../../hub/protocol/index.js';
import { EndedScreen } from '../../renderer/app/EndedScreen.js';
import { AlertToasts } from '../../renderer/dashboard/AlertToasts.js';
import { pushAlert, resetAlerts, useAlerts } from '../../renderer/dashboard/alerts-store.js';
import { AnnotationsPanel } from '../../renderer/dashboard/AnnotationsPanel.js';
import { activityOf, PresenceBar } from '../../renderer/dashboard/PresenceBar.js';
import { progressOf, QueryPanel } from '../../renderer/dashboard/QueryPanel.js';
import type { QueryStream } from '../../renderer/dashboard/room-model.js';

afterEach(() => {
  cleanup();
  resetAlerts();
  vi.useRealTimers();
});

const member = (clientId: string, sub: string, state: PresenceMember['state']): PresenceMember => ({
  clientId,
  sub,
  name: sub.toUpperCase(),
  state,
});

describe('alert toasts', () => {
  it('shows the most severe first, once per alert id, and lets info ones go by themselves', () => {
    vi.useFakeTimers();
    const base = { body: '', room: 'dashboard:1', from: { system: true, name: 'Engine', sub: 'svc' } };
    pushAlert({ ...base, id: 'i', severity: 'info', title: 'FYI', time: 3 });
    pushAlert({ ...base, id: 'c', severity: 'critical', title: 'Down', time: 1 });
    pushAlert({ ...base, id: 'c', severity: 'critical', title: 'Down again', time: 4 });
    pushAlert({ ...base, id: 'w', severity: 'warning', title: 'Slow', time: 2 });
    render(<AlertToasts />);
    expect(screen.getAllByTestId('toast').map((t) => t.getAttribute('data-severity'))).toEqual([
      'critical',
      'warning',
      'info',
    ]);
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(useAlerts.getState().toasts.map((t) => t.id)).toEqual(['c']);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss alert' }));
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });
});

describe('presence', () => {
  it('says what each member is doing, with this user first', () => {
    expect(activityOf(member('1', 'a', {}))).toBe('viewing');
    expect(activityOf(member('1', 'a', { editing: 'revenue', typing: true }))).toBe('editing revenue, typing…');
    render(<PresenceBar members={[member('2', 'zed', { typing: true }), member('1', 'me', {})]} selfId="1" />);
    const rows = screen.getAllByTestId('member');
    expect(rows.map((r) => r.getAttribute('data-sub'))).toEqual(['me', 'zed']);
    expect(rows[0]!.textContent).toContain('(you)');
    expect(rows[1]!.textContent).toContain('typing…');
  });
});

describe('annotations composer', () => {
  it('shares typing while the user writes and clears it on posting', async () => {
    const onTyping = vi.fn();
    const onPublish = vi.fn(async () => undefined);
    render(
      <AnnotationsPanel annotations={[]} canPublish editing="revenue" onTyping={onTyping} onPublish={onPublish} />,
    );
    const box = screen.getByLabelText('New annotation');
    fireEvent.change(box, { target: { value: 'a' } });
    fireEvent.change(box, { target: { value: 'ab' } });
    expect(onTyping.mock.calls).toEqual([[true]]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Post' }));
    });
    expect(onPublish).toHaveBeenCalledWith('ab', 'revenue');
    expect(onTyping.mock.calls).toEqual([[true], [false]]);
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('has no composer for viewers', () => {
    render(
      <AnnotationsPanel
        annotations={[]}
        canPublish={false}
        editing={null}
        onTyping={() => undefined}
        onPublish={async () => undefined}
      />,
    );
    expect(screen.queryByLabelText('New annotation')).toBeNull();
  });
});

describe('query table', () => {
  const stream = (over: Partial<QueryStream>): QueryStream => ({
    queryId: 'q',
    columns: ['a'],
    chunks: [{ chunk: 0, rows: [['<b>x</b>'], [{ n: 1 }]] }],
    rowsReceived: 2,
    rowsKept: 2,
    status: 'streaming',
    updatedAt: 1,
    ...over,
  });

  it('reports progress while streaming, when done and when failed', () => {
    expect(progressOf(stream({}))).toEqual({ label: 'Streaming · 2 rows in 1 chunk', fraction: null });
    expect(progressOf(stream({ status: 'done', rowCount: 2 }))).toEqual({ label: 'Done · 2 rows', fraction: 1 });
    expect(progressOf(stream({ status: 'error', error: 'timeout' })).label).toBe('Failed: timeout');
  });

  it('renders cells as text', () => {
    const { container } = render(<QueryPanel streams={[stream({})]} />);
    expect(container.querySelector('b')).toBeNull();
    expect([...container.querySelectorAll('tbody td')].map((td) => td.textContent)).toEqual(['<b>x</b>', '{"n":1}']);
  });
});

describe('ended screen', () => {
  it('shows the kick reason as text, and takes another link', () => {
    const onPaste = vi.fn(() => true);
    render(<EndedScreen ending={{ kind: 'kicked', reason: '<script>x</script> bye' }} onPaste={onPaste} />);
    expect(screen.getByTestId('ended-reason').textContent).toBe('<script>x</script> bye');
    fireEvent.change(screen.getByLabelText('Paste another join link'), {
      target: { value: 'https://hub/#token=a.b.c' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onPaste).toHaveBeenCalledWith('https://hub/#token=a.b.c');
  });

  it('says what each refusal means', () => {
    const { container } = render(
      <EndedScreen
        ending={{
          kind: 'refused',
          refusal: { reason: 'banned', message: 'banned: spam', until: Date.UTC(2030, 0, 1) },
        }}
        onPaste={() => false}
      />,
    );
    expect(container.querySelector('h1')?.textContent).toBe('You are banned from this hub');
    expect(container.textContent).toMatch(/The ban ends .*; this page reconnects then\./);
    expect(screen.getByTestId('ended-reason').textContent).toBe('banned: spam');
    expect(screen.getByTestId('ended').dataset.kind).toBe('banned');
  });
});
