/** Live query results: rows fill in as `query.rows` chunks arrive, with how far the stream has got. */
import { useMemo } from 'react';
import { cellText } from './insight-events.js';
import { streamRows, type QueryStream } from './room-model.js';

/** Rows drawn per table; the rest are counted, not rendered. */
const SHOWN_ROWS = 500;

export function QueryPanel({ streams }: { streams: QueryStream[] }) {
  if (streams.length === 0) return null;
  return (
    <section aria-label="Live queries">
      <h2 className="section-title">Live queries</h2>
      {streams.map((s) => (
        <QueryTable key={s.queryId} stream={s} />
      ))}
    </section>
  );
}

export function progressOf(stream: QueryStream): { label: string; fraction: number | null } {
  if (stream.status === 'error') return { label: `Failed: ${stream.error ?? 'query failed'}`, fraction: null };
  if (stream.status === 'done') {
    const total = stream.rowCount ?? stream.rowsReceived;
    return { label: `Done · ${total.toLocaleString('en-US')} rows`, fraction: 1 };
  }
  return {
    label: `Streaming · ${stream.rowsReceived.toLocaleString('en-US')} rows in ${stream.chunks.length} chunk${stream.chunks.length === 1 ? '' : 's'}`,
    fraction: null,
  };
}

function QueryTable({ stream }: { stream: QueryStream }) {
  const rows = useMemo(() => streamRows(stream), [stream]);
  const width = Math.max(stream.columns.length, ...rows.slice(0, 50).map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => stream.columns[i] ?? `#${i + 1}`);
  const { label, fraction } = progressOf(stream);
  return (
    <article className="panel query" data-testid="query" data-query={stream.queryId} data-status={stream.status}>
      <header className="query-head">
        <h3>{stream.queryId}</h3>
        <span className={`query-status ${stream.status}`} data-testid="query-status">
          {label}
        </span>
      </header>
      <div
        className={`progress${fraction === null && stream.status === 'streaming' ? ' indeterminate' : ''}${stream.status === 'error' ? ' failed' : ''}`}
        role="progressbar"
        aria-label={`${stream.queryId} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <span style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      <div className="table-scroll">
        <table className="data">
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN_ROWS).map((row, r) => (
              <tr key={r}>
                {columns.map((_, c) => (
                  <td key={c}>{cellText(row[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > SHOWN_ROWS ? (
        <p className="muted small-text">
          Showing the first {SHOWN_ROWS} of {rows.length.toLocaleString('en-US')} rows.
        </p>
      ) : null}
    </article>
  );
}
