/**
 * The one connection to the hub and what the app shows about it: status (with when the next
 * attempt is due), the session the hub welcomed us with, and why it ended when it did.
 */
import { create } from 'zustand';
import type { CloseInfo, ConnectionState, InsightClient, NoticeMessage, Session } from '../../hub/client/index.js';
import type { Credentials } from './credentials.js';
import type { Refusal, SessionCheck } from './refusal.js';
import { readTokenClaims, type TokenView } from './token-claims.js';

export type Ending =
  | { kind: 'kicked'; reason: string }
  | { kind: 'banned'; reason: string; until?: number }
  | { kind: 'forbidden'; reason: string }
  /** The token was refused and the app had no other: `revoked` when the hub withdrew it. */
  | { kind: 'expired' }
  | { kind: 'revoked' }
  /** The hub said why over HTTP (`GET /api/session`): the WebSocket refusal a browser cannot read. */
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'signed-out' }
  | { kind: 'closed'; code: number; reason: string };

export type LinkStatus = ConnectionState['status'] | 'idle';

export interface ConnectionView {
  credentials: Credentials | null;
  claims: TokenView | null;
  client: InsightClient | null;
  status: LinkStatus;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
  attempt: number;
  lastClose: CloseInfo | null;
  session: Session | null;
  /** Set once the client has stopped (for good, or until a ban ends). */
  ending: Ending | null;
  /** Whether the connection was ever open: a first attempt that fails looks different. */
  everOpen: boolean;
  /** When the current connection opened (epoch ms). */
  openedAt: number | null;
  online: boolean;
  /** The latest error the SDK reported, for the status bar's tooltip. */
  lastError: string | null;
  /** A kick or ban notice arrives just before its close; its reason and `until` are the full ones. */
  stopNotice: NoticeMessage | null;
  /** The hub warned that the token expires at this time (epoch ms). */
  tokenExpiresAt: number | null;
  /** What `GET /api/session` last said while the socket would not open: is the hub there at all? */
  hubCheck: SessionCheck['kind'] | null;
}

const initial: ConnectionView = {
  credentials: null,
  claims: null,
  client: null,
  status: 'idle',
  retryAt: null,
  attempt: 0,
  lastClose: null,
  session: null,
  ending: null,
  everOpen: false,
  openedAt: null,
  online: true,
  lastError: null,
  stopNotice: null,
  tokenExpiresAt: null,
  hubCheck: null,
};

export const useConnection = create<ConnectionView>(() => ({ ...initial }));

/** Forget everything (tests, signing out). */
export function resetConnection(): void {
  useConnection.setState({ ...initial }, true);
}

export function adoptClient(client: InsightClient, credentials: Credentials): void {
  useConnection.setState({
    ...initial,
    online: useConnection.getState().online,
    client,
    credentials,
    claims: readTokenClaims(credentials.token),
    status: client.state.status,
  });
}

/** The client's state as the store keeps it. */
export function applyState(state: ConnectionState, session: Session | null, now = Date.now()): void {
  const patch: Partial<ConnectionView> = { status: state.status, session };
  if (state.status === 'reconnecting') {
    patch.retryAt = now + state.inMs;
    patch.attempt = state.attempt;
    patch.lastClose = state.lastClose ?? null;
  } else {
    patch.retryAt = null;
  }
  if (state.status === 'open') {
    // Open again after an ending: the SDK reconnects by itself once a ban is over.
    patch.ending = null;
    patch.stopNotice = null;
    patch.everOpen = true;
    patch.attempt = 0;
    patch.hubCheck = null;
    if (useConnection.getState().status !== 'open') patch.openedAt = now;
  } else {
    patch.openedAt = null;
  }
  if (state.status === 'closed') {
    const before = useConnection.getState();
    // A refusal the hub explained outlives the close the app made to stop retrying.
    patch.ending = before.ending?.kind === 'refused' ? before.ending : endingOf(state, before.stopNotice);
    patch.lastClose = { code: state.code, reason: state.reason };
  }
  useConnection.setState(patch);
}

export function applyNotice(notice: NoticeMessage): void {
  if (notice.event === 'kicked' || notice.event === 'banned') useConnection.setState({ stopNotice: notice });
  if (notice.event === 'token_expiring') useConnection.setState({ tokenExpiresAt: notice.expiresAt });
}

export function applyOnline(online: boolean): void {
  useConnection.setState({ online });
}

export function applyError(message: string): void {
  useConnection.setState({ lastError: message });
}

export function applyCheck(check: SessionCheck): void {
  if (check.kind === 'refused')
    useConnection.setState({ hubCheck: check.kind, ending: { kind: 'refused', refusal: check.refusal } });
  else useConnection.setState({ hubCheck: check.kind });
}

export function markSignedOut(): void {
  useConnection.setState({ ending: { kind: 'signed-out' }, status: 'closed' });
}

/** The screen for a stopped client, by the SDK's `cause`; the notice before a kick or ban has the full reason. */
export function endingOf(closed: ClosedState, notice: NoticeMessage | null = null): Ending {
  const { code, reason } = closed;
  switch (closed.cause) {
    case 'kicked':
      return { kind: 'kicked', reason: notice?.event === 'kicked' ? notice.reason : reason };
    case 'banned':
      if (notice?.event === 'banned') return { kind: 'banned', reason: notice.reason, until: notice.until };
      return closed.until === undefined ? { kind: 'banned', reason } : { kind: 'banned', reason, until: closed.until };
    case 'forbidden':
      return { kind: 'forbidden', reason };
    case 'token_expired':
    case 'token_rejected':
      return { kind: 'expired' };
    case 'token_revoked':
      return { kind: 'revoked' };
    case 'client_closed':
    case 'hub_closed':
    case 'gave_up':
    case 'cannot_connect':
      return { kind: 'closed', code, reason };
  }
}

type ClosedState = Extract<ConnectionState, { status: 'closed' }>;
