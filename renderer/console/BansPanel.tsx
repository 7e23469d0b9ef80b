/** Users banned right now, until when and why, with a way to lift each ban. */
import { useEffect, useState } from 'react';
import type { BannedUser } from '../../hub/protocol/index.js';
import { formatDateTime } from '../shared/format.js';
import { adminAction, unbanUser } from './admin-session.js';

export interface BanRow {
  sub: string;
  until: number | null;
  reason: string;
  by: string;
}

export function readBans(items: readonly BannedUser[]): BanRow[] {
  return items.map(({ sub, until, reason, by }) => ({ sub, until, reason, by }));
}

export function BansPanel({ changeVersion }: { changeVersion: number }) {
  const [bans, setBans] = useState<BanRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    adminAction('list', { what: 'bans' }).then(
      (ack) => live && (setBans(readBans(ack.items)), setError(null)),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [changeVersion, tick]);

  if (bans.length === 0 && !error) return null;
  return (
    <section className="panel" aria-label="Bans">
      <h2 className="section-title">Banned users</h2>
      {error ? <p className="error-text">{error}</p> : null}
      <table className="data">
        <thead>
          <tr>
            <th>User</th>
            <th>Until</th>
            <th>Reason</th>
            <th>By</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {bans.map((b) => (
            <tr key={b.sub} data-testid="ban-row" data-sub={b.sub}>
              <td>{b.sub}</td>
              <td>{formatDateTime(b.until)}</td>
              <td>{b.reason}</td>
              <td>{b.by}</td>
              <td>
                <button
                  type="button"
                  className="small"
                  onClick={() =>
                    void unbanUser(b.sub).then(
                      () => setTick((t) => t + 1),
                      (err: Error) => setError(err.message),
                    )
                  }
                >
                  Unban
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
