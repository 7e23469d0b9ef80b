/**
 * A clear line about the connection whenever it is not simply fine: offline, reconnecting (with a
 * countdown), or resynced after the hub could not replay what was missed.
 */
import { useConnection } from '../connection/connection-store.js';
import { formatTime, secondsUntil } from '../shared/format.js';
import { useNow } from '../shared/use-now.js';

export interface BannerModel {
  tone: 'warning' | 'error' | 'info';
  text: string;
}

export interface BannerInput {
  status: string;
  online: boolean;
  retryAt: number | null;
  attempt: number;
  everOpen: boolean;
  lastClose: { code: number; reason: string } | null;
  /** Set by the hub's `token_expiring` notice. */
  tokenExpiresAt?: number | null;
  /** Whether a new token can be had without the user (the desktop app mints them). */
  renewsItself?: boolean;
  /** What `GET /api/session` said while the socket would not open (null: not asked yet). */
  hubCheck?: 'accepted' | 'refused' | 'unreachable' | 'unknown' | null;
}

export function bannerFor(c: BannerInput, now: number): BannerModel | null {
  if (!c.online)
    return { tone: 'error', text: 'You are offline. The dashboard will reconnect when the network is back.' };
  if (c.status === 'reconnecting' && c.retryAt !== null) {
    const s = secondsUntil(c.retryAt, now);
    const why = c.lastClose && c.lastClose.reason ? ` (${c.lastClose.reason})` : '';
    // "Cannot reach" only once an HTTP request to the hub has failed too; a hub that answers over
    // HTTP and takes the token but not the socket is a different problem (a proxy, a limit).
    const lead =
      c.hubCheck === 'unreachable'
        ? `${c.everOpen ? 'Connection lost: c' : 'C'}annot reach the hub.`
        : c.hubCheck === 'accepted' || c.hubCheck === 'unknown'
          ? `The hub answers, but the live connection did not open${why}.`
          : c.everOpen
            ? `Connection lost${why}.`
            : 'Connecting to the hub…';
    return { tone: 'warning', text: `${lead} Reconnecting in ${s} s (attempt ${c.attempt}).` };
  }
  if (c.status === 'connecting' && c.everOpen) return { tone: 'warning', text: 'Reconnecting…' };
  if (c.tokenExpiresAt && !c.renewsItself && c.tokenExpiresAt > now) {
    return {
      tone: 'warning',
      text: `Your access ends at ${formatTime(c.tokenExpiresAt)}. Ask for a new join link to stay connected.`,
    };
  }
  return null;
}

interface Props {
  resync?: { reason: string } | null;
  onDismissResync?: () => void;
  /** False where a status line elsewhere already says how the connection is. */
  showConnection?: boolean;
}

export function ConnectionBanner({ resync, onDismissResync, showConnection = true }: Props) {
  const c = useConnection();
  const now = useNow(500, c.status === 'reconnecting' || c.tokenExpiresAt !== null);
  const banner = showConnection ? bannerFor({ ...c, renewsItself: c.credentials?.origin === 'desktop' }, now) : null;
  return (
    <>
      {banner ? (
        <div className={`banner ${banner.tone}`} role="status" data-testid="connection-banner">
          {banner.text}
        </div>
      ) : null}
      {resync ? (
        <div className="banner info" role="status" data-testid="resync-banner">
          {resync.reason === 'epoch_changed'
            ? 'Resynced after the hub restarted: this page keeps what you saw before and shows everything published since.'
            : "Resynced: too much happened while you were away for the hub to replay it, so this dashboard was reloaded from the room's history."}
          {onDismissResync ? (
            <button type="button" className="small" onClick={onDismissResync}>
              OK
            </button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
