// @vitest-environment happy-dom
// The console's client list cuts the rooms cell to one line: what a row lists, and in which order.
import { describe, expect, it } from 'vitest';
import { roomsShown } from '../../renderer/console/ClientsPage.js';

describe("a client row's rooms", () => {
  it('lists the dashboards before the client’s own user: room, and no internal $ room', () => {
    expect(roomsShown(['user:guest-lSQnPa79A5s_', '$admin', 'dashboard:42', 'dashboard:ops'])).toEqual([
      'dashboard:42',
      'dashboard:ops',
      'user:guest-lSQnPa79A5s_',
    ]);
    expect(roomsShown(['user:alice'])).toEqual(['user:alice']);
    expect(roomsShown(['$admin'])).toEqual([]);
  });
});
