/**
 * The audit log: admin actions, denied attempts and refused upgrades, newest first. The page reads
 * recent entries from the hub once, and the feed adds each new one as it is written.
 */
import { useEffect, useMemo, useState } from 'react';
import { oneOf, readAuditPage, type AuditKind, type AuditPage as HubAuditPage } from '../../hub/protocol/index.js';
import { formatDateTime } from '../shared/format.js';
import { readAudit, type AuditEntry } from './feed-entries.js';
import { useConnection } from '../connection/connection-store.js';
import { adminAction } from './admin-session.js';
import { setAuditPage, useAdmin } from './admin-store.js';

const readKind = oneOf<AuditKind>(['action', 'denied', 'refused']);

function readEntries(page: HubAuditPage): AuditEntry[] {
  return page.entries.map(readAudit);
}

/**
 * Over REST from the hub that served the page; where that is cross-origin (the desktop window)
 * or refused, over the console's own connection instead.
 */
export async function loadRecentAudit(): Promise<AuditEntry[]> {
  const { credentials } = useConnection.getState();
  if (credentials) {
    try {
      const res = await fetch(`${credentials.address.httpUrl}/api/audit?limit=200`, {
        headers: { authorization: `Bearer ${await credentials.getToken()}` },
        cache: 'no-store',
      });
      // GET /api/audit answers the same AuditPage as the `list` action; read, not trusted.
      const page = res.ok ? readAuditPage(await res.json()) : undefined;
      if (page) return readEntries(page);
    } catch {
      // Cross-origin or offline (or not an audit page): ask over the WebSocket below.
    }
  }
  return readEntries(await adminAction('list', { what: 'audit', limit: 200 }));
}

export function AuditPage() {
  const audit = useAdmin((s) => s.audit);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<AuditKind | ''>('');
  const [text, setText] = useState('');

  useEffect(() => {
    loadRecentAudit().then(setAuditPage, (err: Error) => setError(`Could not read the audit log: ${err.message}`));
  }, []);

  const shown = useMemo(() => {
    const t = text.trim().toLowerCase();
    return audit.filter(
      (e) =>
        (!kind || e.outcome === kind) &&
        (!t || `${e.action} ${e.actor} ${e.target} ${e.reason}`.toLowerCase().includes(t)),
    );
  }, [audit, kind, text]);

  return (
    <div className="page audit">
      <div className="toolbar">
        <label htmlFor="audit-kind" className="sr-only">
          Kind
        </label>
        <select id="audit-kind" value={kind} onChange={(e) => setKind(readKind(e.target.value) ?? '')}>
          <option value="">Everything</option>
          <option value="action">Admin actions</option>
          <option value="denied">Denied attempts</option>
          <option value="refused">Refused connections</option>
        </select>
        <label htmlFor="audit-search" className="sr-only">
          Search the audit log
        </label>
        <input
          id="audit-search"
          type="search"
          placeholder="Search…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="spacer" />
        <span className="muted">{shown.length} entries</span>
      </div>
      {error ? <div className="banner error">{error}</div> : null}
      <div className="table-scroll">
        <table className="data audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Kind</th>
              <th>Action</th>
              <th>By</th>
              <th>Target</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 500).map((e) => (
              <tr key={e.key} data-testid="audit-row" data-action={e.action} className={e.outcome}>
                <td className="nowrap">{formatDateTime(e.time)}</td>
                <td>{e.outcome}</td>
                <td>{e.action}</td>
                <td>{e.actor}</td>
                <td>{e.target}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
