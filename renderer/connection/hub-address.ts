/** The hub's WebSocket and HTTP addresses, derived from where the page was loaded or given. */

export interface HubAddress {
  /** `ws(s)://host:port/ws` */
  wsUrl: string;
  /** `http(s)://host:port` — REST routes live under it. */
  httpUrl: string;
}

/** A page served by the hub talks to the hub that served it. */
export function addressFromLocation(location: { protocol: string; host: string }): HubAddress {
  const secure = location.protocol === 'https:';
  return {
    wsUrl: `${secure ? 'wss' : 'ws'}://${location.host}/ws`,
    httpUrl: `${secure ? 'https' : 'http'}://${location.host}`,
  };
}

/** From a WebSocket URL (as the desktop app hands it over) to both addresses. */
export function addressFromWsUrl(wsUrl: string): HubAddress {
  const url = new URL(wsUrl);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const path = url.pathname.replace(/\/ws\/?$/, '').replace(/\/$/, '');
  return {
    wsUrl: `${secure ? 'wss' : 'ws'}://${url.host}${path}/ws`,
    httpUrl: `${secure ? 'https' : 'http'}://${url.host}${path}`,
  };
}

/** `fetch`'s shape, so REST calls to the hub can be given another in tests. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;
