/** Live charts and totals of the whole hub, and who just came and went. */
import { formatByteRate, formatBytes, formatCount, formatMs, formatRate, formatTime } from '../shared/format.js';
import { useAdmin } from './admin-store.js';
import { navigate } from './console-route.js';
import { LiveChart, type ChartLine } from './LiveChart.js';
import { latest } from './stats-series.js';
import { severalHubs, useHubs, type HubSummary } from './hub-list.js';

const CONNECTIONS: ChartLine[] = [{ key: 'clients', label: 'connections', color: '#2563eb' }];
const MESSAGES: ChartLine[] = [
  { key: 'messagesInPerSec', label: 'in/s', color: '#059669' },
  { key: 'messagesOutPerSec', label: 'out/s', color: '#d97706' },
];
const BYTES: ChartLine[] = [
  { key: 'bytesInPerSec', label: 'in KiB/s', color: '#059669', scale: 1 / 1024 },
  { key: 'bytesOutPerSec', label: 'out KiB/s', color: '#d97706', scale: 1 / 1024 },
];
const LAG: ChartLine[] = [{ key: 'eventLoopLagMs', label: 'lag ms', color: '#dc2626' }];
const MEMORY: ChartLine[] = [
  { key: 'rssBytes', label: 'RSS MiB', color: '#7c3aed', scale: 1 / 1048576 },
  { key: 'heapUsedBytes', label: 'heap MiB', color: '#0891b2', scale: 1 / 1048576 },
];

export function OverviewPage() {
  const series = useAdmin((s) => s.series);
  const clientCount = useAdmin((s) => s.clientCount);
  const roomCount = useAdmin((s) => s.roomCount);
  const cpu = useAdmin((s) => s.cpuPercent);
  const history = useAdmin((s) => s.historyMessages);
  const historyBytes = useAdmin((s) => s.historyBytes);
  const connections = useAdmin((s) => s.connections);
  const feed = useAdmin((s) => s.feed);
  const feedError = useAdmin((s) => s.feedError);
  const hubs = useHubs((s) => s.hubs);
  const bytesIn = latest(series, 'bytesInPerSec');
  const bytesOut = latest(series, 'bytesOutPerSec');

  return (
    <div className="page overview">
      {feed === 'failed' ? <div className="banner error">The admin feed is unavailable: {feedError}</div> : null}
      {clientCount !== null && clientCount <= 1 ? (
        <div className="callout">
          <div>
            <strong>Nobody else is here yet.</strong> Create a join link for a dashboard room and share it with
            colleagues on your network.
          </div>
          <button type="button" onClick={() => navigate({ page: 'invite' })}>
            Invite colleagues
          </button>
        </div>
      ) : null}
      <div className="tiles">
        <Tile label="Connections" value={formatCount(clientCount)} testId="total-connections" />
        <Tile label="Rooms" value={formatCount(roomCount)} testId="total-rooms" />
        <Tile label="Messages in" value={formatRate(latest(series, 'messagesInPerSec'))} />
        <Tile label="Messages out" value={formatRate(latest(series, 'messagesOutPerSec'))} />
        <Tile label="Bytes in / out" value={`${formatByteRate(bytesIn)} · ${formatByteRate(bytesOut)}`} />
        <Tile label="Event-loop lag" value={formatMs(latest(series, 'eventLoopLagMs'))} />
        <Tile label="Memory (RSS)" value={formatBytes(latest(series, 'rssBytes'))} testId="memory" />
        <Tile label="CPU" value={cpu === null ? '—' : `${cpu.toFixed(0)} %`} />
        <Tile label="Messages in history" value={formatCount(history)} />
        {historyBytes ? (
          <Tile
            label="History memory / budget"
            value={`${formatBytes(historyBytes.used)} / ${formatBytes(historyBytes.budget)}`}
            testId="history-budget"
          />
        ) : null}
      </div>
      {severalHubs(hubs) ? <HubList hubs={hubs} /> : null}
      <div className="charts">
        <LiveChart title="Connections" series={series} lines={CONNECTIONS} unit="" />
        <LiveChart title="Messages per second" series={series} lines={MESSAGES} unit="" />
        <LiveChart title="Bytes per second" series={series} lines={BYTES} unit="KiB" />
        <LiveChart title="Event-loop lag" series={series} lines={LAG} unit="ms" />
        <LiveChart title="Memory" series={series} lines={MEMORY} unit="MiB" />
      </div>
      <section className="panel">
        <h2 className="section-title">Recent connections</h2>
        {connections.length === 0 ? (
          <p className="muted">No one has connected or left since the console opened.</p>
        ) : null}
        <ul className="event-list">
          {connections.slice(0, 12).map((e) => (
            <li key={`${e.key}-${e.time}`} className={e.kind}>
              <span className="muted">{formatTime(e.time)}</span> <strong>{e.client.name || e.client.sub}</strong>{' '}
              {e.kind}
              {e.client.ip ? <span className="muted"> from {e.client.ip}</span> : null}
              {e.kind === 'disconnected' && e.code ? (
                <span className="muted">
                  {' '}
                  ({e.code}
                  {e.reason ? `: ${e.reason}` : ''})
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile">
      <span className="tile-label">{label}</span>
      <span className="tile-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

function HubList({ hubs }: { hubs: HubSummary[] }) {
  return (
    <section className="panel" aria-label="Hubs">
      <h2 className="section-title">Hubs sharing this engine · {hubs.length}</h2>
      <ul className="hub-list">
        {hubs.map((h) => (
          <li key={h.node} className={`hub-card${h.self ? ' self' : ''}`} data-testid="hub" data-node={h.node}>
            <strong className="mono">{h.node}</strong>
            <span className="muted small-text">
              {h.self ? 'this hub (the console is connected here)' : `since ${formatTime(h.startedAt)}`}
            </span>
            <span>
              {formatCount(h.clients)} connections · {formatCount(h.rooms)} rooms
            </span>
            <span className="muted small-text">
              {formatRate(h.messagesInPerSec)} in · {formatRate(h.messagesOutPerSec)} out · lag {formatMs(h.lagMs)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
