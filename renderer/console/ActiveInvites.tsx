/** Invites that still work: rooms, role, who redeemed each (so uses so far), expiry, and revoking one. */
import { useEffect, useState } from 'react';
import type { Json } from '../../hub/protocol/index.js';
import { formatDateTime } from '../shared/format.js';
import { asObject, num, str } from './admin-feed.js';
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

function readRedemptions(v: Json | undefined): InviteRow['redemptions'] {
  if (!Array.isArray(v)) return [];
  const out: InviteRow['redemptions'] = [];
  for (const item of v) {
    const o = asObject(item);
    const sub = str(o, 'sub');
    if (sub) out.push({ sub, name: str(o, 'name') ?? sub, at: num(o, 'at') });
  }
  return out;
}

export function readInvites(items: Json | undefined): InviteRow[] {
  if (!Array.isArray(items)) return [];
  const rows: InviteRow[] = [];
  for (const item of items) {
    const o = asObject(item);
    const jti = str(o, 'jti');
    if (!o || !jti) continue;
    rows.push({
      jti,
      name: str(o, 'name') ?? '',
      rooms: Array.isArray(o.rooms) ? o.rooms.filter((r): r is string => typeof r === 'string') : [],
      role: str(o, 'role') ?? '',
      uses: num(o, 'uses') ?? 0,
      maxUses: num(o, 'maxUses'),
      expiresAt: num(o, 'expiresAt'),
      by: str(o, 'by') ?? '',
      redemptions: readRedemptions(o.redemptions),
    });
  }
  return rows;
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
