/**
 * Where the token comes from. In the desktop app the preload hands over the hub's address and a
 * freshly minted admin token. In a browser the join link carries the token in the URL fragment
 * (never sent to the server); it is moved to sessionStorage and wiped from the address bar, or
 * the user pastes a link or a token.
 */
import { addressFromLocation, addressFromWsUrl, type HubAddress } from './hub-address.js';
import type { LastingStore } from './invite-redeem.js';
import { looksLikeToken } from './token-claims.js';

export const TOKEN_KEY = 'insight-hub.token';
export const ROOM_KEY = 'insight-hub.room';

export type CredentialOrigin = 'desktop' | 'link' | 'session' | 'pasted';

export interface Credentials {
  address: HubAddress;
  token: string;
  origin: CredentialOrigin;
  /** A room the join link named, opened first. */
  room?: string;
  /** Asked before every (re)connect; the desktop mints a new token each time. */
  getToken(): Promise<string>;
}

/** What the desktop preload exposes, under either name it has had. */
interface ConnectionBridge {
  getConnection(): Promise<{ url: string; token: string }>;
}
interface DesktopApiBridge {
  getHubConnection(): Promise<{ url: string; wsUrl?: string; token: string }>;
}

export interface PageEnv {
  location: { protocol: string; host: string; pathname: string; search: string; hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** What outlives the tab (localStorage): the display name and the personal tokens of redeemed invites. */
  lasting?: LastingStore;
  /** `window`, to find the desktop bridge on. */
  host?: unknown;
}

export function pageEnv(): PageEnv {
  return {
    location: window.location,
    history: window.history,
    storage: window.sessionStorage,
    lasting: window.localStorage,
    host: window,
  };
}

export async function findCredentials(env: PageEnv): Promise<Credentials | null> {
  const desktop = await desktopCredentials(env.host);
  if (desktop) return desktop;
  const fromLink = takeJoinFragment(env);
  const address = addressFromLocation(env.location);
  if (fromLink) return browserCredentials(env, address, fromLink.token, 'link', fromLink.room);
  const stored = env.storage.getItem(TOKEN_KEY);
  if (stored) return browserCredentials(env, address, stored, 'session', env.storage.getItem(ROOM_KEY) ?? undefined);
  return null;
}

/** A pasted join link or bare token; null when it holds neither. */
export function credentialsFromPaste(env: PageEnv, text: string): Credentials | null {
  const trimmed = text.trim();
  let found: { token: string; room?: string } | null = null;
  const hashAt = trimmed.indexOf('#');
  if (hashAt >= 0) found = parseFragment(trimmed.slice(hashAt));
  else if (looksLikeToken(trimmed)) found = { token: trimmed };
  if (!found) return null;
  env.storage.setItem(TOKEN_KEY, found.token);
  if (found.room) env.storage.setItem(ROOM_KEY, found.room);
  return browserCredentials(env, addressFromLocation(env.location), found.token, 'pasted', found.room);
}

/** The same hub and room with another token (a redeemed invite's personal one), kept for reloads. */
export function withToken(env: PageEnv, c: Credentials, token: string): Credentials {
  env.storage.setItem(TOKEN_KEY, token);
  return browserCredentials(env, c.address, token, c.origin, c.room);
}

/** Sign out of this tab: the token is gone from storage. */
export function forgetCredentials(env: PageEnv): void {
  env.storage.removeItem(TOKEN_KEY);
  env.storage.removeItem(ROOM_KEY);
}

export function parseFragment(hash: string): { token: string; room?: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token || !looksLikeToken(token)) return null;
  const room = params.get('room') ?? undefined;
  return { token, room };
}

/** Reads `#token=…` once and removes it from the address bar and history entry. */
function takeJoinFragment(env: PageEnv): { token: string; room?: string } | null {
  const found = env.location.hash ? parseFragment(env.location.hash) : null;
  if (!found) return null;
  env.storage.setItem(TOKEN_KEY, found.token);
  if (found.room) env.storage.setItem(ROOM_KEY, found.room);
  else env.storage.removeItem(ROOM_KEY);
  env.history.replaceState(null, '', env.location.pathname + env.location.search);
  return found;
}

function browserCredentials(
  env: PageEnv,
  address: HubAddress,
  token: string,
  origin: CredentialOrigin,
  room?: string,
): Credentials {
  return {
    address,
    token,
    origin,
    room,
    // The stored token may have been replaced by a paste in the meantime.
    getToken: async () => env.storage.getItem(TOKEN_KEY) ?? token,
  };
}

async function desktopCredentials(host: unknown): Promise<Credentials | null> {
  const h = host as { insightHub?: Partial<ConnectionBridge>; insightDesktop?: Partial<DesktopApiBridge> } | undefined;
  let fetchConnection: (() => Promise<{ wsUrl: string; token: string }>) | undefined;
  if (typeof h?.insightHub?.getConnection === 'function') {
    const bridge = h.insightHub as ConnectionBridge;
    fetchConnection = async () => {
      const c = await bridge.getConnection();
      return { wsUrl: c.url, token: c.token };
    };
  } else if (typeof h?.insightDesktop?.getHubConnection === 'function') {
    const bridge = h.insightDesktop as DesktopApiBridge;
    fetchConnection = async () => {
      const c = await bridge.getHubConnection();
      return { wsUrl: c.wsUrl ?? c.url, token: c.token };
    };
  }
  if (!fetchConnection) return null;
  const first = await fetchConnection();
  // The first connect uses the token just fetched; every later one asks for a fresh one.
  let unused: string | undefined = first.token;
  return {
    address: addressFromWsUrl(first.wsUrl),
    token: first.token,
    origin: 'desktop',
    getToken: async () => {
      const token = unused ?? (await fetchConnection()).token;
      unused = undefined;
      return token;
    },
  };
}
