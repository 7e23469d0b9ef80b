/**
 * Sampled traffic: the hub samples delivered messages while inspection is on (for one room or
 * all), and the console lists them newest first, filtered by room and event, with the payload of
 * the selected one. Pausing freezes the list. Inspection stays on when the view is left (it is
 * the hub's, see inspection.ts) and is switched off when the console closes.
 */
import { useMemo, useState } from 'react';
import { formatBytes, formatTime } from '../shared/format.js';
import { reportRejection } from '../shared/report-rejection.js';
import type { TrafficEntry } from './feed-entries.js';
import { clearTraffic, setTrafficPaused, useAdmin } from './admin-store.js';
import { isInspecting, toggleInspection, useInspection } from './inspection.js';

export function TrafficInspector({ room }: { room?: string }) {
  const traffic = useAdmin((s) => s.traffic);
  const paused = useAdmin((s) => s.trafficPaused);
  const dropped = useAdmin((s) => s.trafficDropped);
  const on = useInspection((s) => isInspecting(s.on, room));
  const [error, setError] = useState<string | null>(null);
  const [roomFilter, setRoomFilter] = useState('');
  const [eventFilter, setEventFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);

  const toggle = async (next: boolean): Promise<void> => {
    setError(null);
    try {
      await toggleInspection(room, next);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const shown = useMemo(() => {
    const rf = (room ?? roomFilter).trim().toLowerCase();
    const ef = eventFilter.trim().toLowerCase();
    return traffic.filter(
      (t) =>
        (!rf || (room ? t.room === room : t.room.toLowerCase().includes(rf))) &&
        (!ef || t.event.toLowerCase().includes(ef)),
    );
  }, [traffic, room, roomFilter, eventFilter]);
  const current: TrafficEntry | undefined = shown.find((t) => t.key === selected) ?? undefined;

  return (
    <section className="panel traffic" aria-label="Traffic inspector">
      <div className="toolbar">
        <button
          type="button"
          className={on ? 'active' : undefined}
          aria-pressed={on}
          onClick={() => reportRejection(toggle(!on), setError)}
          data-testid="inspect-toggle"
        >
          {on ? 'Stop inspecting' : room ? `Inspect ${room}` : 'Inspect all rooms'}
        </button>
        <button
          type="button"
          className="small"
          aria-pressed={paused}
          onClick={() => setTrafficPaused(!paused)}
          disabled={!on && !paused}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="small ghost" onClick={clearTraffic}>
          Clear
        </button>
        {room === undefined ? (
          <>
            <label htmlFor="traffic-room" className="sr-only">
              Filter by room
            </label>
            <input
              id="traffic-room"
              placeholder="Room…"
              value={roomFilter}
              onChange={(e) => setRoomFilter(e.target.value)}
            />
          </>
        ) : null}
        <label htmlFor="traffic-event" className="sr-only">
          Filter by event
        </label>
        <input
          id="traffic-event"
          placeholder="Event…"
          value={eventFilter}
          onChange={(e) => setEventFilter(e.target.value)}
        />
        <span className="spacer" />
        {paused ? <span className="muted">Paused · {dropped} sampled messages skipped</span> : null}
      </div>
      {error ? <p className="error-text">{error}</p> : null}
      {!on && shown.length === 0 ? (
        <p className="muted">
          Inspection is off. Turn it on to sample what the hub delivers{room ? ' in this room' : ''}; payloads are cut
          to a few hundred characters.
        </p>
      ) : null}
      <div className="traffic-split">
        <div className="table-scroll">
          <table className="data traffic-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Room</th>
                <th>Event</th>
                <th>From</th>
                <th className="num">Seq</th>
                <th className="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, 200).map((t) => (
                <tr
                  key={t.key}
                  className={t.key === selected ? 'selected' : undefined}
                  onClick={() => setSelected(t.key)}
                  data-testid="traffic-row"
                >
                  <td>{formatTime(t.time)}</td>
                  <td>{t.room}</td>
                  <td>{t.event}</td>
                  <td>{t.from}</td>
                  <td className="num">{t.seq ?? '—'}</td>
                  <td className="num">{formatBytes(t.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="payload" aria-label="Payload">
          {current ? (
            <>
              <div className="muted small-text">
                {current.room} · {current.event} · seq {current.seq ?? '—'}
                {current.recipients !== null ? ` · ${current.recipients} recipients` : ''}
                {current.truncated ? ' · cut by the hub' : ''}
              </div>
              <pre data-testid="payload">{current.payload}</pre>
            </>
          ) : (
            <p className="muted">Select a message to see its payload.</p>
          )}
        </div>
      </div>
    </section>
  );
}
