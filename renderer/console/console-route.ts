/** Which console page is open, kept in the URL fragment so reloads and the back button work. */
import { create } from 'zustand';

export const PAGES = ['overview', 'rooms', 'clients', 'invite', 'audit', 'traffic', 'dashboard'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** The room page's room, under `rooms`; the open dashboard, under `dashboard`. */
  room?: string;
}

export function parseRoute(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!(PAGES as readonly string[]).includes(page ?? '')) return { page: 'overview' };
  const room = rest.length > 0 ? safeDecode(rest.join('/')) : undefined;
  return room && (page === 'rooms' || page === 'dashboard') ? { page, room } : { page: page as Page };
}

export function routeHash(route: Route): string {
  return `#/${route.page}${route.room ? `/${encodeURIComponent(route.room)}` : ''}`;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export const useRoute = create<Route>(() => parseRoute(typeof location === 'undefined' ? '' : location.hash));

/** Go to `route`: a new history entry, or (`replace`) in place of the current one. */
export function navigate(route: Route, replace = false): void {
  useRoute.setState(route, true);
  const hash = routeHash(route);
  if (typeof location === 'undefined' || location.hash === hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
}

/** Follow the back and forward buttons. */
export function followHistory(): () => void {
  const onChange = (): void => useRoute.setState(parseRoute(location.hash), true);
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
  };
}
