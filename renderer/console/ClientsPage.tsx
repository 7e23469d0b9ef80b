/**
 * Every connected client, one server-side page at a time: search and room filter run on the hub,
 * and the page refreshes itself as clients come and go.
 */
import { memo, useState } from 'react';
import { formatBytes, formatCount, formatMs, formatTime } from '../shared/format.js';
import { useConnection } from '../connection/connection-store.js';
import type { ClientRow } from './admin-feed.js';
import { useAdmin } from './admin-store.js';
import { BanDialog, KickDialog } from './ClientActions.js';
import { BansPanel } from './BansPanel.js';
import { clientList } from './listings.js';
import { PAGE_SIZE } from './paged-list.js';
import { useDebounced } from './use-debounced.js';
import { severalHubs, useHubs } from './hub-list.js';
import { usePagedRefresh } from './use-paged-refresh.js';

export function ClientsPage() {
  const view = clientList.use();
  const clientsVersion = useAdmin((s) => s.clientsVersion);
  const selfId = useConnection((s) => s.session?.clientId);
  const [text, setText] = useState(view.filters.text ?? '');
  const [room, setRoom] = useState(view.filters.room ?? '');
  const hubs = useHubs((s) => s.hubs);
  const showHub = severalHubs(hubs);
  const selfNode = hubs.find((h) => h.self)?.node;
  const [acting, setActing] = useState<{ kind: 'kick' | 'ban'; client: ClientRow } | null>(null);

  useDebounced(text, (t) => clientList.setFilter({ text: t }));
  useDebounced(room, (r) => clientList.setFilter({ room: r }));
  usePagedRefresh(clientList, clientsVersion);

  const { cursors } = view;
  const first = cursors.length * PAGE_SIZE;
  return (
    <div className="page clients">
      <div className="toolbar">
        <label htmlFor="client-search" className="sr-only">
          Search clients
        </label>
        <input
          id="client-search"
          className="search"
          type="search"
          placeholder="Search user, name, IP, client id…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label htmlFor="client-room" className="sr-only">
          Room
        </label>
        <input
          id="client-room"
          className="room-filter"
          placeholder="In room…"
          value={room}
          onChange={(e) => setRoom(e.target.value)}
        />
        <span className="spacer" />
        <span className="muted" data-testid="clients-range">
          {view.total === null
            ? '…'
            : view.total === 0
              ? 'No clients'
              : `${formatCount(first + 1)}–${formatCount(first + view.rows.length)} of ${formatCount(view.total)}`}
        </span>
        <button type="button" className="small" onClick={clientList.previousPage} disabled={cursors.length === 0}>
          Previous
        </button>
        <button type="button" className="small" onClick={clientList.nextPage} disabled={view.next === null}>
          Next
        </button>
      </div>
      {view.error ? <div className="banner error">Could not list clients: {view.error}</div> : null}
      <div className="table-scroll">
        <table className="data clients-table" aria-busy={view.loading}>
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>IP</th>
              {showHub ? <th>Hub</th> : null}
              <th>Rooms</th>
              <th className="num">RTT</th>
              <th className="num">Queue</th>
              <th className="num">Msgs in / out</th>
              <th className="num">Connected at</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((c) => (
              <ClientLine
                key={c.clientId}
                client={c}
                self={c.clientId === selfId}
                onAct={setActing}
                hub={showHub ? (c.hub === selfNode ? `${c.hub} (this hub)` : (c.hub ?? '—')) : undefined}
              />
            ))}
          </tbody>
        </table>
      </div>
      <BansPanel changeVersion={clientsVersion} />
      {acting?.kind === 'kick' ? <KickDialog client={acting.client} onClose={() => setActing(null)} /> : null}
      {acting?.kind === 'ban' ? <BanDialog client={acting.client} onClose={() => setActing(null)} /> : null}
    </div>
  );
}

/** Same figures, same row: a page refresh redraws only the clients whose numbers moved. */
function sameClient(a: ClientRow, b: ClientRow): boolean {
  return (
    a.clientId === b.clientId &&
    a.name === b.name &&
    a.role === b.role &&
    a.rttMs === b.rttMs &&
    a.queuedBytes === b.queuedBytes &&
    a.messagesIn === b.messagesIn &&
    a.messagesOut === b.messagesOut &&
    a.rooms.join() === b.rooms.join()
  );
}

/**
 * The rooms a client's row lists: the dashboards first, its own `user:` room after them (the cell
 * is cut to one line, and every guest has one), internal `$` rooms not at all.
 */
export function roomsShown(rooms: readonly string[]): string[] {
  const shown = rooms.filter((r) => !r.startsWith('$'));
  return [...shown.filter((r) => !r.startsWith('user:')), ...shown.filter((r) => r.startsWith('user:'))];
}

const ClientLine = memo(
  function ClientLine({
    client: c,
    self,
    onAct,
    hub,
  }: {
    client: ClientRow;
    self: boolean;
    onAct(a: { kind: 'kick' | 'ban'; client: ClientRow }): void;
    hub?: string;
  }) {
    return (
      <tr data-testid="client-row" data-sub={c.sub} data-client={c.clientId}>
        <td>
          <strong>{c.name || c.sub}</strong>
          <span className="muted block">{c.sub}</span>
        </td>
        <td>{c.role}</td>
        <td className="mono">{c.ip}</td>
        {hub !== undefined ? (
          <td className="mono" data-testid="client-hub">
            {hub}
          </td>
        ) : null}
        <td className="rooms-cell" title={c.rooms.join(', ')}>
          {roomsShown(c.rooms).join(', ') || <span className="muted">—</span>}
        </td>
        <td className="num">{formatMs(c.rttMs)}</td>
        <td className="num">{formatBytes(c.queuedBytes)}</td>
        <td className="num">
          {formatCount(c.messagesIn)} / {formatCount(c.messagesOut)}
        </td>
        <td className="num">{formatTime(c.connectedAt)}</td>
        <td className="actions">
          {self ? (
            <span className="muted">this console</span>
          ) : (
            <div className="row">
              <button
                type="button"
                className="small"
                onClick={() => onAct({ kind: 'kick', client: c })}
                aria-label={`Kick ${c.name || c.sub}`}
              >
                Kick
              </button>
              <button
                type="button"
                className="small danger-outline"
                onClick={() => onAct({ kind: 'ban', client: c })}
                aria-label={`Ban ${c.name || c.sub}`}
              >
                Ban
              </button>
            </div>
          )}
        </td>
      </tr>
    );
  },
  (a, b) => a.self === b.self && a.onAct === b.onAct && a.hub === b.hub && sameClient(a.client, b.client),
);
