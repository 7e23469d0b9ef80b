/**
 * A server-side paged listing (`admin list {what, …filters, limit, cursor}`): one page of rows
 * at a time, so 10,000 clients are never sent to, or drawn in, the console. Each listing (clients,
 * rooms) is one store made by `pagedList`.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { AdminListAnswerMap, AdminListFieldsMap, PageFields } from '../../hub/protocol/index.js';
import { adminAction } from './admin-session.js';

export const PAGE_SIZE = 100;

export interface PagedView<Row> {
  /** Filters sent as they are (empty ones left out). */
  filters: ListFilters;
  /** Cursors of the pages before this one; the last is this page's. */
  cursors: string[];
  rows: Row[];
  total: number | null;
  next: string | null;
  loading: boolean;
  error: string | null;
  fetchedAt: number | null;
}

export interface PagedList<Row> {
  use: UseBoundStore<StoreApi<PagedView<Row>>>;
  fetch(): Promise<void>;
  /** A new filter starts from the first page. */
  setFilter(patch: ListFilters): void;
  nextPage(): void;
  previousPage(): void;
  reset(): void;
  /** The `list` request's fields (`what`, `limit`, `cursor` and the filters). */
  request(): PageRequest<PagedListing>;
}

/** The listings that come in pages (`Page<T>` in hub/protocol/admin.ts). */
export type PagedListing = 'clients' | 'rooms';
/** The filters of a paged listing (`room` for clients only). */
export type ListFilters = Pick<AdminListFieldsMap['clients'], 'room' | 'user' | 'text'>;
/** A page's `list` request: what, which page, the filters given. */
export type PageRequest<W extends PagedListing> = { what: W } & PageFields & ListFilters;

export function pagedList<W extends PagedListing, Row>(
  what: W,
  readRows: (items: AdminListAnswerMap[W]['items']) => Row[],
  pageSize = PAGE_SIZE,
): PagedList<Row> {
  const initial = (): PagedView<Row> => ({
    filters: {},
    cursors: [],
    rows: [],
    total: null,
    next: null,
    loading: false,
    error: null,
    fetchedAt: null,
  });
  const use = create<PagedView<Row>>(initial);
  let ticket = 0;

  const request = (): PageRequest<W> => {
    const { filters, cursors } = use.getState();
    const req: PageRequest<W> = { what, limit: pageSize };
    const cursor = cursors[cursors.length - 1];
    if (cursor !== undefined) req.cursor = cursor;
    for (const key of ['room', 'user', 'text'] as const) {
      const value = filters[key]?.trim();
      if (value) req[key] = value;
    }
    return req;
  };

  return {
    use,
    request,
    // A newer fetch wins over an older one that returns late.
    async fetch() {
      const mine = ++ticket;
      use.setState({ loading: true });
      try {
        const page = await adminAction('list', request());
        if (mine !== ticket) return;
        use.setState({
          rows: readRows(page.items),
          total: page.total,
          next: page.next,
          loading: false,
          error: null,
          fetchedAt: Date.now(),
        });
      } catch (err) {
        if (mine !== ticket) return;
        use.setState({ loading: false, error: (err as Error).message });
      }
    },
    setFilter(patch) {
      use.setState({ filters: { ...use.getState().filters, ...patch }, cursors: [] });
    },
    nextPage() {
      const { cursors, next } = use.getState();
      if (next !== null) use.setState({ cursors: [...cursors, next] });
    },
    previousPage() {
      const { cursors } = use.getState();
      if (cursors.length > 0) use.setState({ cursors: cursors.slice(0, -1) });
    },
    reset() {
      ticket++;
      use.setState(initial(), true);
    },
  };
}
