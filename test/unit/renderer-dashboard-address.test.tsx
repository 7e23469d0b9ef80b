// @vitest-environment happy-dom
/**
 * The open dashboard in the address: `#room=<room>` on the dashboard client's page (a join link's
 * fragment without the token), `#/dashboard/<room>` in the console. Any room name survives the
 * trip through the address, and the page follows the address when back or forward change it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import fc from 'fast-check';
import { parseRoute, routeHash } from '../../renderer/console/console-route.js';
import {
  forgetFragmentRoom,
  roomFragment,
  roomFromFragment,
  useFragmentAddress,
} from '../../renderer/dashboard/dashboard-address.js';

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('the room in the fragment', () => {
  it('reads the room of a fragment, a join link’s too, and nothing else', () => {
    expect(roomFromFragment('#room=dashboard:42')).toBe('dashboard:42');
    expect(roomFromFragment('#room=dashboard%3A42')).toBe('dashboard:42');
    expect(roomFromFragment('#token=eyJ.x.y&room=dashboard:7')).toBe('dashboard:7');
    expect(roomFromFragment('#token=eyJ.x.y')).toBeUndefined();
    expect(roomFromFragment('#/rooms/dashboard%3A42')).toBeUndefined();
    expect(roomFromFragment('#room=')).toBeUndefined();
    expect(roomFromFragment('')).toBeUndefined();
  });

  it('writes room names readably, and any text comes back as it went', () => {
    expect(roomFragment('dashboard:42')).toBe('#room=dashboard:42');
    expect(roomFragment('team@eu:ops-1')).toBe('#room=team@eu:ops-1');
    expect(roomFragment('a b&room=c#d')).toBe('#room=a%20b%26room%3Dc%23d');
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (room) => {
        expect(roomFromFragment(roomFragment(room))).toBe(room);
      }),
    );
  });

  it('is followed through pushes, replacements, and back and forward', async () => {
    const { result } = renderHook(() => useFragmentAddress());
    expect(result.current.room).toBeUndefined();
    const start = window.history.length;

    act(() => result.current.show('dashboard:1', 'replace'));
    expect(window.location.hash).toBe('#room=dashboard:1');
    expect(result.current.room).toBe('dashboard:1');
    expect(window.history.length).toBe(start);

    act(() => result.current.show('dashboard:2', 'push'));
    expect(window.location.hash).toBe('#room=dashboard:2');
    expect(result.current.room).toBe('dashboard:2');
    expect(window.history.length).toBe(start + 1);
    // The room already shown: no entry more.
    act(() => result.current.show('dashboard:2', 'push'));
    expect(window.history.length).toBe(start + 1);

    // Back: the browser changes the address and says so with popstate.
    await act(async () => {
      window.history.replaceState(null, '', '/#room=dashboard:1');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(result.current.room).toBe('dashboard:1');

    act(() => result.current.show(null, 'push'));
    expect(window.location.hash).toBe('');
    expect(result.current.room).toBeUndefined();
  });

  it('is forgotten for a new link or token, and only the room: a console route stays', () => {
    const { result } = renderHook(() => useFragmentAddress());
    act(() => result.current.show('dashboard:1', 'push'));
    act(() => forgetFragmentRoom());
    expect(window.location.hash).toBe('');
    expect(result.current.room).toBeUndefined();
    window.history.replaceState(null, '', '/#/rooms');
    forgetFragmentRoom();
    expect(window.location.hash).toBe('#/rooms');
  });
});

describe('the room in the console route', () => {
  it('is kept for the dashboard page as for the room page', () => {
    expect(parseRoute('#/dashboard/dashboard%3A42')).toEqual({ page: 'dashboard', room: 'dashboard:42' });
    expect(parseRoute(routeHash({ page: 'dashboard', room: 'ops/a b' }))).toEqual({
      page: 'dashboard',
      room: 'ops/a b',
    });
    expect(parseRoute('#/dashboard')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/clients/x')).toEqual({ page: 'clients' });
  });
});
