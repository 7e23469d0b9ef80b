/**
 * The open dashboard kept in the address, so a reload reopens it and the back button goes back to
 * the dashboard before. On the dashboard client's own page it is the fragment `#room=<room>`: a
 * join link's `#token=…&room=…` without the token (which is never put back into the address), and,
 * being a fragment, never sent to a server. Inside the console the console's route holds it
 * (`#/dashboard/<room>`, console/console-route.ts).
 */
import { useSyncExternalStore } from 'react';

export interface RoomAddress {
  /** The room the address names, if it names one (not checked: the hub has the last word). */
  room: string | undefined;
  /** Put `room` in the address (null: none), as a new history entry or in place of the current one. */
  show(room: string | null, how: 'push' | 'replace'): void;
}

/** The `room` of a fragment (`#room=dashboard:42`, also a join link's), or undefined. */
export function roomFromFragment(hash: string): string | undefined {
  const room = new URLSearchParams(hash.replace(/^#/, '')).get('room');
  return room ? room : undefined;
}

/** `#room=<room>`, with `:` and `@` (common in room names) left readable. */
export function roomFragment(room: string): string {
  return `#room=${encodeURIComponent(room).replace(/%3A/gi, ':').replace(/%40/g, '@')}`;
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Back, forward, and a fragment typed into the address bar.
  window.addEventListener('popstate', listener);
  window.addEventListener('hashchange', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
    window.removeEventListener('hashchange', listener);
  };
}

function fragmentRoom(): string | undefined {
  return roomFromFragment(window.location.hash);
}

function showInFragment(room: string | null, how: 'push' | 'replace'): void {
  const { pathname, search, hash } = window.location;
  const fragment = room ? roomFragment(room) : '';
  if (hash === fragment || (room && roomFromFragment(hash) === room)) return;
  if (how === 'push') window.history.pushState(null, '', pathname + search + fragment);
  else window.history.replaceState(null, '', pathname + search + fragment);
  // pushState and replaceState fire no event.
  for (const l of [...listeners]) l();
}

/** A new link or token starts afresh: the room it names (or its first) opens, not the one before. */
export function forgetFragmentRoom(): void {
  if (fragmentRoom() !== undefined) showInFragment(null, 'replace');
}

/** The address of the dashboard client's own page: the room in the fragment, followed live. */
export function useFragmentAddress(): RoomAddress {
  const room = useSyncExternalStore(subscribe, fragmentRoom);
  return { room, show: showInFragment };
}
