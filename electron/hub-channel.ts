/**
 * Messages between Electron main and the hub process (over `parentPort` in a utility process,
 * over the IPC channel of a plain Node child). Each side checks what it receives: a message that
 * does not match is dropped, never trusted by shape alone.
 */

/** Where the hub listens and how colleagues reach it. */
export interface HubEndpoint {
  url: string;
  wsUrl: string;
  host: string;
  port: number;
  tls: boolean;
  /** SHA-256 fingerprint of the TLS certificate, `AB:CD:…`; null without TLS. */
  fingerprint: string | null;
  /** Links to hand out: the LAN address when sharing, loopback otherwise. */
  joinUrl: string;
  /** Set when the saved settings could not be honoured as asked (e.g. the interface is gone). */
  warning?: string;
}

export interface HubStats {
  connections: number;
}

export type HubToMain =
  | ({ type: 'ready' } & HubEndpoint)
  | ({ type: 'stats' } & HubStats)
  | { type: 'admin-token'; requestId: number; token: string; expiresAt: number }
  | { type: 'admin-token-failed'; requestId: number; message: string }
  | { type: 'failed'; code: string; message: string }
  | { type: 'draining' }
  | { type: 'drained' };

export type MainToHub =
  | { type: 'drain'; timeoutMs?: number }
  | { type: 'mint-admin-token'; requestId: number }
  /** The computer is going to sleep / woke (Electron's powerMonitor). */
  | { type: 'suspend' }
  | { type: 'resume' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function isHubToMain(v: unknown): v is HubToMain {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
      return (
        isString(v.url) &&
        isString(v.wsUrl) &&
        isString(v.host) &&
        isInt(v.port) &&
        typeof v.tls === 'boolean' &&
        (v.fingerprint === null || isString(v.fingerprint)) &&
        isString(v.joinUrl) &&
        (v.warning === undefined || isString(v.warning))
      );
    case 'stats':
      return isInt(v.connections);
    case 'admin-token':
      return isInt(v.requestId) && isString(v.token) && isInt(v.expiresAt);
    case 'admin-token-failed':
      return isInt(v.requestId) && isString(v.message);
    case 'failed':
      return isString(v.code) && isString(v.message);
    case 'draining':
    case 'drained':
      return true;
    default:
      return false;
  }
}

export function isMainToHub(v: unknown): v is MainToHub {
  if (!isObject(v)) return false;
  if (v.type === 'drain') return v.timeoutMs === undefined || isInt(v.timeoutMs);
  if (v.type === 'mint-admin-token') return isInt(v.requestId);
  return v.type === 'suspend' || v.type === 'resume';
}

/** Exit code of a hub process that could not start with its settings (not a crash). */
export const EXIT_START_FAILED = 78;
