/** Invites that still work: rooms, role, who redeemed each (so uses so far), expiry, and revoking one. */
import { useEffect, useState } from 'react';
import type { InviteSummary } from '../../hub/protocol/index.js';
import { formatDateTime } from '../shared/format.js';
import { adminAction } from './admin-session.js';

export interface InviteRow {
  jti: string;
  name: string;
  rooms: string[];
  role: string;
  uses: number;
  maxUses: number | null;
  expiresAt: number | null;
  by: string;
  /** The people who exchanged this link for their own token, oldest first. */
  redemptions: Array<{ sub: string; name: string; at: number | null }>;
}

export function readInvites(items: readonly InviteSummary[]): InviteRow[] {
  return items.map((i) => ({
    jti: i.jti,
    name: i.name,
    rooms: i.rooms,
    role: i.role,
    uses: i.uses,
    maxUses: i.maxUses,
    expiresAt: i.expiresAt,
    by: i.by,
    redemptions: i.redemptions.map(({ sub, name, at }) => ({ sub, name: name || sub, at })),
  }));
}

export function ActiveInvites({ version, onRevoke }: { version: number; onRevoke(jti: string): void }) {
  const [rows, setRows] = useState<InviteRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    adminAction('list', { what: 'invites' }).then(
      (ack) => live && (setRows(readInvites(ack.items)), setError(null)),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [version]);
  return (
    <section className="panel" aria-label="Active invites">
      <h2 className="section-title">Active invites</h2>
      {error ? <p className="error-text">{error}</p> : null}
      {rows.length === 0 && !error ? <p className="muted">No invite links are active.</p> : null}
      {rows.length > 0 ? (
        <table className="data">
          <thead>
            <tr>
              <th>Rooms</th>
              <th>Role</th>
              <th>Label</th>
              <th className="num">Uses</th>
              <th>Joined through it</th>
              <th>Expires</th>
              <th>By</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.jti} data-testid="invite-row">
                <td>{r.rooms.join(', ')}</td>
                <td>{r.role}</td>
                <td>{r.name === 'Guest' ? <span className="muted">—</span> : r.name}</td>
                <td className="num">
                  {r.uses}
                  {r.maxUses !== null ? ` / ${r.maxUses}` : ''}
                </td>
                <td data-testid="invite-redeemed">
                  {r.redemptions.length === 0 ? (
                    <span className="muted">nobody yet</span>
                  ) : (
                    r.redemptions.map((p) => (
                      <span key={p.sub} className="block" title={`${p.sub}${p.at ? ` · ${formatDateTime(p.at)}` : ''}`}>
                        {p.name} <span className="muted small-text">{p.at ? formatDateTime(p.at) : p.sub}</span>
                      </span>
                    ))
                  )}
                </td>
                <td>{formatDateTime(r.expiresAt)}</td>
                <td>{r.by}</td>
                <td>
                  <button
                    type="button"
                    className="small danger-outline"
                    onClick={() => onRevoke(r.jti)}
                    aria-label={`Revoke the link for ${r.rooms.join(', ')}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
