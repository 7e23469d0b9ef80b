/**
 * Opens the app's one connection to the hub and feeds its events into the connection store. No
 * component opens a socket; the console and dashboard stores bind to the client kept here.
 */
import { CloseCode } from '../../hub/protocol/index.js';
import { connect, type ConnectOptions, type ConnectionState, type InsightClient } from '../../hub/client/index.js';
import type { Credentials } from './credentials.js';
import {
  adoptClient,
  applyCheck,
  applyError,
  applyNotice,
  applyOnline,
  applyState,
  markSignedOut,
  useConnection,
} from './connection-store.js';
import { checkSession, isPermanent, type SessionCheck } from './refusal.js';

export type ConnectFn = (options: ConnectOptions) => InsightClient;
/** Why the hub refuses these credentials; null where it cannot be asked. */
export type CheckFn = (credentials: Credentials) => Promise<SessionCheck | null>;

/** Closes after which the hub may be refusing the token itself (a refused upgrade reads as 1006). */
const ASK_WHY = new Set<number>([
  1006,
  CloseCode.tokenInvalid,
  CloseCode.forbidden,
  CloseCode.kicked,
  CloseCode.banned,
]);
/** A ban is waited out a little past its end: the hub's clock may be behind ours. */
const BAN_SLACK_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

let detach: (() => void) | null = null;

/**
 * The desktop app mints a fresh token for every connect, and its window is cross-origin to the
 * hub's HTTP side: asking there would only read as "unreachable".
 */
const defaultCheck: CheckFn = async (c) =>
  c.origin === 'desktop' ? null : checkSession(c.address.httpUrl, await c.getToken());

export function startHubSession(
  credentials: Credentials,
  extra: Partial<ConnectOptions> = {},
  open: ConnectFn = connect,
  check: CheckFn = defaultCheck,
): InsightClient {
  endHubSession();
  const client = open({
    url: credentials.address.wsUrl,
    getToken: credentials.getToken,
    // A LAN hub restarting should not leave a colleague's tab waiting for minutes.
    backoff: { baseMs: 1000, capMs: 15_000 },
    ...extra,
  });
  adoptClient(client, credentials);
  let ended = false;
  let banTimer: ReturnType<typeof setTimeout> | undefined;
  let asking = false;
  const askWhy = (): void => {
    if (asking || ended) return;
    asking = true;
    check(credentials).then(
      (answer) => {
        asking = false;
        if (ended || !answer) return;
        applyCheck(answer);
        if (answer.kind !== 'refused') return;
        // The hub has said no: retrying with the same token only repeats the refusal.
        ended = true;
        client.close();
        const { until } = answer.refusal;
        if (!isPermanent(answer.refusal) && until !== undefined) {
          banTimer = setTimeout(
            () => startHubSession(credentials, extra, open, check),
            Math.min(MAX_TIMER_MS, Math.max(0, until - Date.now()) + BAN_SLACK_MS),
          );
        }
      },
      () => {
        asking = false;
      },
    );
  };
  const onState = (state: ConnectionState): void => {
    applyState(state, client.session);
    if (mayBeRefused(state)) askWhy();
  };
  const offs = [
    client.onState(onState),
    client.onNotice(applyNotice),
    client.onError((err) => applyError(err.message)),
  ];
  const onOnline = (): void => applyOnline(true);
  const onOffline = (): void => applyOnline(false);
  if (typeof window !== 'undefined') {
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    applyOnline(window.navigator.onLine !== false);
  }
  // The state may have moved on before the listeners were attached.
  onState(client.state);
  detach = () => {
    ended = true;
    clearTimeout(banTimer);
    for (const off of offs) off();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    }
  };
  return client;
}

function mayBeRefused(state: ConnectionState): boolean {
  if (state.status === 'reconnecting') return !state.lastClose || ASK_WHY.has(state.lastClose.code);
  return state.status === 'closed' && ASK_WHY.has(state.code);
}

/** Close the connection for good (signing out, switching token). */
export function endHubSession(): void {
  const { client } = useConnection.getState();
  detach?.();
  detach = null;
  if (client) {
    client.close();
    markSignedOut();
  }
}
