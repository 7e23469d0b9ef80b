/** Kick (with a reason, after confirming) and ban (for a duration) one client's user. */
import { useState } from 'react';
import type { ClientRow } from './admin-feed.js';
import { banUser, kickClient } from './admin-session.js';
import { ConfirmDialog } from './ConfirmDialog.js';

export const BAN_DURATIONS: Array<{ minutes: number; label: string }> = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 8 * 60, label: '8 hours' },
  { minutes: 24 * 60, label: '1 day' },
  { minutes: 7 * 24 * 60, label: '7 days' },
];

export function KickDialog({ client, onClose }: { client: ClientRow; onClose(): void }) {
  const [reason, setReason] = useState('');
  const [everyConnection, setEveryConnection] = useState(false);
  const who = client.name || client.sub;
  return (
    <ConfirmDialog
      title={`Kick ${who}?`}
      confirmLabel="Kick"
      danger
      ready={reason.trim().length > 0}
      onConfirm={() => kickClient(everyConnection ? { sub: client.sub } : { clientId: client.clientId }, reason.trim())}
      onClose={onClose}
    >
      <p className="muted">
        The connection closes and does not reconnect by itself; {who} sees the reason. They can come back with their
        link unless you also ban them.
      </p>
      <label htmlFor="kick-reason">Reason (shown to {who})</label>
      <input id="kick-reason" value={reason} maxLength={100} onChange={(e) => setReason(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={everyConnection} onChange={(e) => setEveryConnection(e.target.checked)} /> Every
        connection of {client.sub}
      </label>
    </ConfirmDialog>
  );
}

export function BanDialog({ client, onClose }: { client: ClientRow; onClose(): void }) {
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState(60);
  const who = client.name || client.sub;
  return (
    <ConfirmDialog
      title={`Ban ${who}?`}
      confirmLabel="Ban"
      danger
      ready={reason.trim().length > 0}
      onConfirm={() => banUser(client.sub, minutes, reason.trim())}
      onClose={onClose}
    >
      <p className="muted">Every connection of {client.sub} closes now, and new ones are refused until the ban ends.</p>
      <label htmlFor="ban-duration">Duration</label>
      <select id="ban-duration" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
        {BAN_DURATIONS.map((d) => (
          <option key={d.minutes} value={d.minutes}>
            {d.label}
          </option>
        ))}
      </select>
      <label htmlFor="ban-reason">Reason (shown to {who})</label>
      <input id="ban-reason" value={reason} maxLength={100} onChange={(e) => setReason(e.target.value)} />
    </ConfirmDialog>
  );
}
