/** Rooms with members, paged and searched by the hub, with each room's live rates from the stats. */
import { useState } from 'react';
import { formatBytes, formatCount, formatRate } from '../shared/format.js';
import { useAdmin } from './admin-store.js';
import { navigate } from './console-route.js';
import { roomList } from './listings.js';
import { PAGE_SIZE } from './paged-list.js';
import { useDebounced } from './use-debounced.js';
import { usePagedRefresh } from './use-paged-refresh.js';

export function RoomsPage() {
  const view = roomList.use();
  const rates = useAdmin((s) => s.roomRates);
  const roomsVersion = useAdmin((s) => s.roomsVersion);
  const [text, setText] = useState(view.filters.text ?? '');
  useDebounced(text, (t) => roomList.setFilter({ text: t }));
  usePagedRefresh(roomList, roomsVersion);
  const first = view.cursors.length * PAGE_SIZE;

  return (
    <div className="page rooms">
      <div className="toolbar">
        <label htmlFor="room-filter" className="sr-only">
          Search rooms
        </label>
        <input
          id="room-filter"
          type="search"
          placeholder="Search rooms…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="spacer" />
        <span className="muted">
          {view.total === null
            ? '…'
            : view.total === 0
              ? 'No rooms'
              : `${formatCount(first + 1)}–${formatCount(first + view.rows.length)} of ${formatCount(view.total)}`}
        </span>
        <button type="button" className="small" onClick={roomList.previousPage} disabled={view.cursors.length === 0}>
          Previous
        </button>
        <button type="button" className="small" onClick={roomList.nextPage} disabled={view.next === null}>
          Next
        </button>
      </div>
      {view.error ? <div className="banner error">Could not list rooms: {view.error}</div> : null}
      {view.total === 0 ? <p className="muted">No rooms have members right now.</p> : null}
      <div className="table-scroll">
        <table className="data">
          <thead>
            <tr>
              <th>Room</th>
              <th className="num">Members</th>
              <th className="num">Msgs in/s</th>
              <th className="num">Msgs out/s</th>
              <th className="num">Bytes in/s</th>
              <th className="num">Bytes out/s</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => {
              const r = rates[row.name];
              return (
                <tr key={row.name} data-testid="room-row" data-room={row.name}>
                  <td>
                    <a
                      href={`#/rooms/${encodeURIComponent(row.name)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate({ page: 'rooms', room: row.name });
                      }}
                    >
                      {row.name}
                    </a>
                  </td>
                  <td className="num">{formatCount(r?.clients ?? row.clients)}</td>
                  <td className="num">{formatRate(r?.messagesInPerSec ?? 0, '')}</td>
                  <td className="num">{formatRate(r?.messagesOutPerSec ?? 0, '')}</td>
                  <td className="num">{formatBytes(r?.bytesInPerSec ?? 0)}</td>
                  <td className="num">{formatBytes(r?.bytesOutPerSec ?? 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
