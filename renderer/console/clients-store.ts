/**
 * The clients page: one page of rows fetched from the hub by filter, search and cursor. The hub
 * does the filtering and paging, so 10,000 connected clients are never sent to, or drawn in,
 * the console.
 */
import { create } from 'zustand';
import type { Json } from '../../hub/protocol/index.js';
import { asObject, num, readClients, str, type ClientRow } from './admin-feed.js';
import { adminAction } from './admin-session.js';

export const PAGE_SIZE = 100;

export interface ClientQuery {
  /** Substring of client id, user, name, IP or user agent. */
  text: string;
  room: string;
  /** Cursors of the pages before this one; the last is this page's. */
  cursors: string[];
}

export interface ClientsView {
  query: ClientQuery;
  rows: ClientRow[];
  total: number | null;
  next: string | null;
  loading: boolean;
  error: string | null;
  fetchedAt: number | null;
}

const initial = (): ClientsView => ({
  query: { text: '', room: '', cursors: [] },
  rows: [],
  total: null,
  next: null,
  loading: false,
  error: null,
  fetchedAt: null,
});

export const useClients = create<ClientsView>(initial);

export function resetClients(): void {
  useClients.setState(initial(), true);
}

/** The admin `list` request for a query. */
export function listRequest(q: ClientQuery, limit = PAGE_SIZE): Record<string, Json> {
  const req: Record<string, Json> = { what: 'clients', limit };
  const cursor = q.cursors[q.cursors.length - 1];
  if (cursor !== undefined) req.cursor = cursor;
  if (q.text.trim()) req.text = q.text.trim();
  if (q.room.trim()) req.room = q.room.trim();
  return req;
}

let ticket = 0;

/** Fetch the page for the current query; a newer fetch wins over an older one that returns late. */
export async function fetchClients(): Promise<void> {
  const mine = ++ticket;
  const { query } = useClients.getState();
  useClients.setState({ loading: true });
  try {
    const ack = await adminAction('list', listRequest(query));
    if (mine !== ticket) return;
    const body = ack as unknown as Record<string, Json>;
    const page = asObject(body.page ?? null) ?? body;
    useClients.setState({
      rows: readClients(page.items ?? page.clients ?? page.rows),
      total: num(page, 'total', 'count'),
      next: str(page, 'next') ?? null,
      loading: false,
      error: null,
      fetchedAt: Date.now(),
    });
  } catch (err) {
    if (mine !== ticket) return;
    useClients.setState({ loading: false, error: (err as Error).message });
  }
}

/** A new filter starts from the first page. */
export function setClientFilter(patch: Partial<Pick<ClientQuery, 'text' | 'room'>>): void {
  useClients.setState({ query: { ...useClients.getState().query, ...patch, cursors: [] } });
}

export function nextPage(): void {
  const { query, next } = useClients.getState();
  if (next === null) return;
  useClients.setState({ query: { ...query, cursors: [...query.cursors, next] } });
}

export function previousPage(): void {
  const { query } = useClients.getState();
  if (query.cursors.length === 0) return;
  useClients.setState({ query: { ...query, cursors: query.cursors.slice(0, -1) } });
}
