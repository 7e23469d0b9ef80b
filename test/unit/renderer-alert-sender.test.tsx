// @vitest-environment happy-dom
/**
 * Who an alert is from: the system only when the hub stamped `from.service` (a service token),
 * a person otherwise, whatever name that person chose. The toasts, the room's "Recent alerts"
 * and every path an alert takes into them (live, the join's history, the personal room) say so
 * alike.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { Json, RoomMessage, Sender } from '../../hub/protocol/index.js';
import { alertSender, senderText, SYSTEM_SENDER } from '../../renderer/dashboard/alert-sender.js';
import { AlertToasts } from '../../renderer/dashboard/AlertToasts.js';
import { resetAlerts, useAlerts } from '../../renderer/dashboard/alerts-store.js';
import { receiveJoin, receiveMessage, resetDashboard, useDashboard } from '../../renderer/dashboard/dashboard-store.js';
import { RoomAlerts } from '../../renderer/dashboard/RoomAlerts.js';

const ROOM = 'dashboard:9';
const SERVICE: Sender = { sub: 'service', name: 'Nightly checks', service: true };
/** People who call themselves what the system is called. */
const IMPOSTORS: Sender[] = [
  { sub: 'guest-3f9a', name: 'InsightEngine', clientId: 'c1' },
  { sub: 'guest-77b0', name: 'service', clientId: 'c2' },
  { sub: 'service', name: '' },
  { sub: 'bob', name: 'System InsightEngine', service: false },
];

let time = 1_700_000_000_000;
function alertFrom(from: Sender, seq: number, id: string, epoch = 'e1'): RoomMessage {
  const data: Json = { id, severity: 'critical', title: `Alert ${id}`, body: 'Look at this' };
  return { type: 'message', room: ROOM, epoch, seq, event: 'alert', data, from, time: ++time };
}

afterEach(() => {
  cleanup();
  resetAlerts();
  resetDashboard(null);
});

describe('the sender of an alert', () => {
  it('is the system only when the hub stamped service: true', () => {
    expect(alertSender(SERVICE)).toEqual({ system: true, name: 'Nightly checks', sub: 'service' });
    expect(senderText(alertSender(SERVICE))).toBe(`${SYSTEM_SENDER} (system)`);
    expect(IMPOSTORS.map((f) => alertSender(f).system)).toEqual([false, false, false, false]);
    expect(IMPOSTORS.map((f) => senderText(alertSender(f)))).toEqual([
      'InsightEngine (person)',
      'service (person)',
      'service (person)',
      'System InsightEngine (person)',
    ]);
  });

  it('is told apart in the toasts and in the room alerts, whatever the person is called', () => {
    resetDashboard(ROOM);
    receiveMessage(alertFrom(SERVICE, 1, 'sys'), true);
    IMPOSTORS.forEach((from, i) => receiveMessage(alertFrom(from, i + 2, `p${i}`), true));
    const { toasts } = useAlerts.getState();
    expect(toasts.map((t) => [t.id, t.from.system])).toEqual([
      ['p3', false],
      ['p2', false],
      ['p1', false],
      ['p0', false],
      ['sys', true],
    ]);
    expect(useDashboard.getState().model.alerts.map((a) => [a.id, a.from.system])).toEqual([
      ['sys', true],
      ['p0', false],
      ['p1', false],
      ['p2', false],
      ['p3', false],
    ]);

    render(
      <>
        <AlertToasts />
        <RoomAlerts alerts={useDashboard.getState().model.alerts} />
      </>,
    );
    for (const testId of ['toast', 'room-alert']) {
      const shown = screen.getAllByTestId(testId);
      const sys = shown.filter((el) => el.getAttribute('data-sender') === 'system');
      expect(sys).toHaveLength(1);
      expect(sys[0]!.textContent).toContain('Alert sys');
      const sysLabel = within(sys[0]!).getByTestId('alert-sender');
      expect(sysLabel.textContent).toBe('System InsightEngine');
      expect(sysLabel.className).toBe('sender system');

      const people = shown.filter((el) => el.getAttribute('data-sender') === 'person');
      expect(people).toHaveLength(IMPOSTORS.length);
      for (const el of people) {
        const label = within(el).getByTestId('alert-sender');
        expect(label.className).toBe('sender person');
        expect(label.getAttribute('data-sender')).toBe('person');
        expect(label.textContent).toMatch(/^Person /);
        expect(label.textContent).not.toMatch(/^System/);
        expect(label.querySelector('.sender-badge')!.textContent).toBe('Person');
      }
      // Newest first in both.
      expect(people.map((el) => within(el).getByTestId('alert-sender').textContent)).toEqual([
        'Person “System InsightEngine”',
        'Person “service”',
        'Person “service”',
        'Person “InsightEngine”',
      ]);
    }
  });

  it('is kept through the join answer, for the room list and for the alerts a restart brought', () => {
    resetDashboard(ROOM);
    receiveJoin(
      ROOM,
      'e2',
      [alertFrom(SERVICE, 1, 'h-sys', 'e2'), alertFrom(IMPOSTORS[0]!, 2, 'h-guest', 'e2')],
      'epoch_changed',
    );
    expect(useDashboard.getState().model.alerts.map((a) => [a.id, a.from])).toEqual([
      ['h-sys', { system: true, name: 'Nightly checks', sub: 'service' }],
      ['h-guest', { system: false, name: 'InsightEngine', sub: 'guest-3f9a' }],
    ]);
    expect(useAlerts.getState().toasts.map((t) => [t.id, t.from.system])).toEqual([
      ['h-guest', false],
      ['h-sys', true],
    ]);
  });
});
