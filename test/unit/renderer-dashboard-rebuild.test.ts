// @vitest-environment node
// A dashboard rebuilt after a reset: what it shows, and which alerts it pops up as news.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Json, RoomMessage } from '../../hub/protocol/index.js';
import { resetAlerts, useAlerts } from '../../renderer/dashboard/alerts-store.js';
import { receiveJoin, receiveMessage, resetDashboard, useDashboard } from '../../renderer/dashboard/dashboard-store.js';

const ROOM = 'dashboard:7';
let time = 1_700_000_000_000;
function msg(epoch: string, seq: number, event: string, data: Json): RoomMessage {
  return {
    type: 'message',
    room: ROOM,
    epoch,
    seq,
    event,
    data,
    from: { sub: 'svc', name: 'Engine', service: true },
    time: ++time,
  };
}
const alert = (id: string, severity = 'critical') => ({ id, severity, title: `Alert ${id}` });

beforeEach(() => {
  resetDashboard(ROOM);
  resetAlerts();
  receiveMessage(msg('old', 1, 'alert', alert('seen-live')), true);
});

describe('rebuilding the dashboard after a reset', () => {
  it('pops up the alerts a new epoch holds after a restart: they came while the tab was away', () => {
    receiveJoin(
      ROOM,
      'new',
      [msg('new', 1, 'alert', alert('during-restart')), msg('new', 2, 'refresh', {})],
      'epoch_changed',
    );
    expect(useAlerts.getState().toasts.map((t) => t.id)).toEqual(['during-restart', 'seen-live']);
    expect(useAlerts.getState().toasts[0]).toMatchObject({ room: ROOM, from: { system: true, name: 'Engine' } });
    expect(useDashboard.getState().model.alerts.map((a) => a.id)).toEqual(['seen-live', 'during-restart']);
  });

  it('does not pop up again what an eviction rebuild reads from the same epoch', () => {
    receiveJoin(
      ROOM,
      'old',
      [msg('old', 1, 'alert', alert('seen-live')), msg('old', 2, 'alert', alert('older-news'))],
      'evicted',
    );
    expect(useAlerts.getState().toasts.map((t) => t.id)).toEqual(['seen-live']);
    expect(useDashboard.getState().model.alerts.map((a) => a.id)).toEqual(['seen-live', 'older-news']);
  });
});
