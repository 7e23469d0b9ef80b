/**
 * Keeps a paged listing fresh while it is on screen: fetched when its query changes, every few
 * seconds for live figures, and soon after the feed says something came or went (throttled, so a
 * thousand connections in a second cost one fetch).
 */
import { useEffect } from 'react';
import { reportRejection } from '../shared/report-rejection.js';
import type { PagedList } from './paged-list.js';

const REFRESH_MS = 5000;
const CHANGE_THROTTLE_MS = 2000;

export function usePagedRefresh<Row>(list: PagedList<Row>, changeVersion: number): void {
  const filters = list.use((s) => s.filters);
  const cursors = list.use((s) => s.cursors);
  const queryKey = JSON.stringify([filters, cursors]);

  // fetch() keeps its own failures in the list's error state; whatever escapes it is shown there too.
  const fetchNow = (): void => reportRejection(list.fetch(), (error) => list.use.setState({ loading: false, error }));

  useEffect(() => {
    fetchNow();
    const timer = setInterval(fetchNow, REFRESH_MS);
    return () => clearInterval(timer);
  }, [list, queryKey]);

  useEffect(() => {
    const since = Date.now() - (list.use.getState().fetchedAt ?? 0);
    const t = setTimeout(fetchNow, Math.max(0, CHANGE_THROTTLE_MS - since));
    return () => clearTimeout(t);
  }, [list, changeVersion]);
}
