/**
 * Opens the app's one connection to the hub and feeds its events into the connection store. No
 * component opens a socket; the console and dashboard stores bind to the client kept here.
 */
import { connect, type ConnectOptions, type InsightClient } from '../../hub/client/index.js';
import type { Credentials } from './credentials.js';
import { adoptClient, applyError, applyNotice, applyOnline, applyState, markSignedOut, useConnection } from './connection-store.js';

export type ConnectFn = (options: ConnectOptions) => InsightClient;

let detach: (() => void) | null = null;

export function startHubSession(credentials: Credentials, extra: Partial<ConnectOptions> = {}, open: ConnectFn = connect): InsightClient {
  endHubSession();
  const client = open({
    url: credentials.address.wsUrl,
    getToken: credentials.getToken,
    // A LAN hub restarting should not leave a colleague's tab waiting for minutes.
    backoff: { baseMs: 1000, capMs: 15_000 },
    ...extra,
  });
  adoptClient(client, credentials);
  const offs = [
    client.onState((state) => applyState(state, client.session)),
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
  applyState(client.state, client.session);
  detach = () => {
    for (const off of offs) off();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    }
  };
  return client;
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
