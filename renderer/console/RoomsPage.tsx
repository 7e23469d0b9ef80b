/** Rooms with members on this hub, busiest first, with their live rates. */
import { useMemo, useState } from 'react';
import { formatBytes, formatCount, formatRate } from '../shared/format.js';
import { useAdmin } from './admin-store.js';
import { navigate } from './console-route.js';

export function RoomsPage() {
  const rooms = useAdmin((s) => s.rooms);
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return Object.values(rooms)
      .filter((r) => !f || r.name.toLowerCase().includes(f))
      .sort((a, b) => (b.messagesInPerSec ?? 0) + (b.messagesOutPerSec ?? 0) - ((a.messagesInPerSec ?? 0) + (a.messagesOutPerSec ?? 0)) || b.clients - a.clients || a.name.localeCompare(b.name));
  }, [rooms, filter]);
  return (
    <div className="page rooms">
      <div className="toolbar">
        <label htmlFor="room-filter" className="sr-only">
          Filter rooms
        </label>
        <input id="room-filter" type="search" placeholder="Filter rooms…" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="spacer" />
        <span className="muted">{formatCount(rows.length)} rooms</span>
      </div>
      {rows.length === 0 ? <p className="muted">No rooms have members right now.</p> : null}
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
            {rows.slice(0, 500).map((r) => (
              <tr key={r.name} data-testid="room-row" data-room={r.name}>
                <td>
                  <a
                    href={`#/rooms/${encodeURIComponent(r.name)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate({ page: 'rooms', room: r.name });
                    }}
                  >
                    {r.name}
                  </a>
                </td>
                <td className="num">{formatCount(r.clients)}</td>
                <td className="num">{formatRate(r.messagesInPerSec, '')}</td>
                <td className="num">{formatRate(r.messagesOutPerSec, '')}</td>
                <td className="num">{formatBytes(r.bytesInPerSec)}</td>
                <td className="num">{formatBytes(r.bytesOutPerSec)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
