/** The console's top line: which hub, for how long, its engine, and the console's own connection. */
import { useConnection } from '../connection/connection-store.js';
import { formatDuration, secondsUntil } from '../shared/format.js';
import { useNow } from '../shared/use-now.js';
import { useAdmin } from './admin-store.js';

export function connectionLabel(
  c: { status: string; retryAt: number | null; attempt: number },
  now: number,
): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  switch (c.status) {
    case 'open':
      return { text: 'Connected', tone: 'ok' };
    case 'connecting':
      return { text: 'Connecting…', tone: 'warn' };
    case 'reconnecting':
      return {
        text: `Reconnecting in ${c.retryAt === null ? 0 : secondsUntil(c.retryAt, now)} s (attempt ${c.attempt})`,
        tone: 'warn',
      };
    case 'closed':
      return { text: 'Disconnected', tone: 'bad' };
    default:
      return { text: 'Not connected', tone: 'bad' };
  }
}

/** How long after waking the console still says the hub slept. */
const SHOW_SLEEP_MS = 60 * 60_000;

export function sleptLabel(durationMs: number): string {
  const min = Math.round(durationMs / 60_000);
  return durationMs >= 60_000
    ? `Was asleep for ${min} min`
    : `Was asleep for ${Math.max(1, Math.round(durationMs / 1000))} s`;
}

export function StatusBar({ onSignOut }: { onSignOut(): void }) {
  const c = useConnection();
  const hub = useAdmin((s) => s.hub);
  const now = useNow(1000);
  const conn = connectionLabel(c, now);
  const addresses = hub.urls.length > 0 ? hub.urls : c.credentials ? [c.credentials.address.httpUrl] : [];
  // The hub's uptime from when it started (snapshot and stats carry `startedAt`).
  const uptime = hub.startedAt ? Math.max(0, now - hub.startedAt) : null;
  const version = hub.version ?? c.session?.server.version;
  // `stalled`: connected but not answering the hub's probe (publishes may end `outcome_unknown`).
  const engineTone =
    hub.engineState === undefined
      ? 'unknown'
      : hub.engineState === 'up'
        ? 'ok'
        : hub.engineState === 'stalled'
          ? 'warn'
          : 'bad';
  return (
    <header className="statusbar" data-testid="statusbar">
      <span className="brand">Insight Hub</span>
      <span className="status-item" title="Hub address">
        <span className="label">Hub</span>
        <span data-testid="hub-address">{addresses.join(' · ') || '—'}</span>
      </span>
      {version ? (
        <span className="status-item">
          <span className="label">Version</span> {version}
        </span>
      ) : null}
      {uptime !== null ? (
        <span className="status-item">
          <span className="label">Uptime</span> <span data-testid="uptime">{formatDuration(uptime)}</span>
        </span>
      ) : (
        <span className="status-item" title="How long this console has been connected to the hub">
          <span className="label">Connected</span>{' '}
          <span data-testid="uptime">{c.openedAt ? formatDuration(now - c.openedAt) : '—'}</span>
        </span>
      )}
      <span className="status-item" data-testid="engine-state" data-state={hub.engineState ?? 'unknown'}>
        <span className={`dot ${engineTone}`} aria-hidden="true" />
        <span className="label">Engine</span> {hub.engine ?? '—'} {hub.engineState ?? ''}
      </span>
      {hub.sleep && now - hub.sleep.wokeAt < SHOW_SLEEP_MS ? (
        <span
          className="status-item"
          data-testid="hub-slept"
          title={`Woke at ${new Date(hub.sleep.wokeAt).toLocaleTimeString()}`}
        >
          <span className="dot warn" aria-hidden="true" />
          {sleptLabel(hub.sleep.durationMs)}
        </span>
      ) : null}
      <span className="spacer" />
      <span
        className="status-item"
        data-testid="console-connection"
        data-status={c.status}
        title={c.lastError ?? undefined}
      >
        <span className={`dot ${conn.tone}`} aria-hidden="true" />
        {conn.text}
      </span>
      {c.session ? (
        <span className="status-item whoami">
          {c.session.user.name || c.session.user.sub} · {c.session.user.role}
        </span>
      ) : null}
      <button type="button" className="small ghost" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
