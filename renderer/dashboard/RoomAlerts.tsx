/** The alerts this room has seen, newest first: a late joiner reads here what the others saw as toasts. */
import { formatTime } from '../shared/format.js';
import { RichText } from '../shared/RichText.js';
import type { RoomAlert } from './room-model.js';
import { SenderLabel } from './SenderLabel.js';

export function RoomAlerts({ alerts }: { alerts: readonly RoomAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section className="panel" aria-label="Recent alerts">
      <h2 className="section-title">Recent alerts</h2>
      <ul className="alert-list">
        {[...alerts].reverse().map((a) => (
          <li
            key={`${a.round}-${a.seq}-${a.id}`}
            className={`room-alert ${a.severity} from-${a.from.system ? 'system' : 'person'}`}
            data-testid="room-alert"
            data-severity={a.severity}
            data-sender={a.from.system ? 'system' : 'person'}
          >
            <span className="toast-severity">{a.severity}</span> <strong>{a.title}</strong>
            {a.body ? <RichText className="block small-text" text={a.body} /> : null}
            <span className="block muted small-text">
              <SenderLabel sender={a.from} /> · {formatTime(a.time)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
