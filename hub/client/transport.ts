/**
 * One WebSocket connection attempt, the same in browsers and Node. Carries the token the way each
 * side can (subprotocol in browsers, Authorization header with `ws`), and reports how the
 * connection ended exactly once.
 */
import { BEARER_PREFIX, REFUSAL_REASONS, SUBPROTOCOL, type RefusalReason } from '../protocol/index.js';
import type { WebSocketConstructor, WebSocketLike } from './types.js';

export interface LinkEnding {
  code: number;
  reason: string;
  /** Status of a refused upgrade, when the WebSocket implementation exposes it. */
  httpStatus?: number;
  /** A refused upgrade's JSON body `until` (a ban's end, epoch ms), when it had one. */
  banUntil?: number;
  /** A refused upgrade's `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** A refused upgrade's JSON body `reason` (why the credential was refused), when it had one. */
  refusal?: RefusalReason;
}

export interface LinkEvents {
  open(): void;
  frame(data: unknown): void;
  end(ending: LinkEnding): void;
}

const OPEN = 1;

/** Finds a WebSocket class: the one given, the global one, or `ws` loaded on demand in Node. */
export async function resolveWebSocket(given?: WebSocketConstructor): Promise<WebSocketConstructor> {
  if (given) return given;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  // A computed specifier keeps bundlers from pulling a Node-only package into browser builds.
  const name = 'ws';
  const mod = (await import(/* @vite-ignore */ name)) as { WebSocket?: unknown; default?: unknown };
  return (mod.WebSocket ?? mod.default) as WebSocketConstructor;
}

/** The `ws` package's client can send headers; the browser's cannot (it has no `terminate`). */
function acceptsHeaders(ctor: WebSocketConstructor): boolean {
  return typeof (ctor.prototype as { terminate?: unknown } | undefined)?.terminate === 'function';
}

export class Link {
  private readonly socket: WebSocketLike;
  private ended = false;
  private refusal: Refusal | undefined;
  private lastError = '';
  private readonly listeners: Array<[string, (event: any) => void]>;

  constructor(
    ctor: WebSocketConstructor,
    url: string,
    token: string,
    private readonly events: LinkEvents,
    handshakeTimeoutMs: number,
  ) {
    if (acceptsHeaders(ctor)) {
      this.socket = new ctor(url, SUBPROTOCOL, {
        headers: { Authorization: `Bearer ${token}` },
        handshakeTimeout: Number.isFinite(handshakeTimeoutMs) ? handshakeTimeoutMs : undefined,
        perMessageDeflate: false,
      });
      this.watchRefusal();
    } else {
      this.socket = new ctor(url, [SUBPROTOCOL, BEARER_PREFIX + token]);
    }
    this.listeners = [
      ['open', () => this.events.open()],
      ['message', (event: { data: unknown }) => this.events.frame(event.data)],
      ['close', (event: { code: number; reason: string }) => this.finish(event.code, event.reason)],
    ];
    for (const [type, fn] of this.listeners) this.socket.addEventListener(type, fn);
    // Never removed: `ws` emits `error` after terminate() on a socket still connecting, and an
    // `error` nobody listens to would end the host process.
    this.socket.addEventListener('error', (event: { message?: string }) => {
      if (!this.ended) this.lastError = event?.message ?? '';
    });
  }

  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === OPEN;
  }

  /** The underlying socket (tests cut it to simulate network failures). */
  get raw(): WebSocketLike {
    return this.socket;
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  /**
   * Ends the connection now and reports `ending` without waiting for the closing handshake: a
   * dead peer would never answer it.
   */
  end(code: number, reason: string): void {
    if (this.ended) return;
    this.detach();
    const terminate = (this.socket as { terminate?: () => void }).terminate;
    try {
      if (terminate) terminate.call(this.socket);
      else this.socket.close(code >= 3000 ? code : 1000, reason);
    } catch {
      // Already closing or closed: nothing left to release.
    }
    this.finish(code, reason, true);
  }

  /** Starts a normal closing handshake; `end` is reported when it completes (or fails). */
  close(code: number, reason: string): void {
    if (this.ended) return;
    try {
      this.socket.close(code, reason);
    } catch {
      this.end(code, reason);
    }
  }

  private finish(code: number, reason: string, detached = false): void {
    if (this.ended) return;
    this.ended = true;
    if (!detached) this.detach();
    if (this.refusal) {
      const { status, reason, until, retryAfterMs, refusal } = this.refusal;
      const ending: LinkEnding = { code, reason, httpStatus: status };
      if (until !== undefined) ending.banUntil = until;
      if (refusal !== undefined) ending.refusal = refusal;
      if (retryAfterMs !== undefined) ending.retryAfterMs = retryAfterMs;
      this.events.end(ending);
    } else {
      this.events.end({ code, reason: reason || this.lastError });
    }
  }

  private detach(): void {
    for (const [type, fn] of this.listeners) this.socket.removeEventListener(type, fn);
  }

  /** With `ws`, a refused upgrade's status and JSON body say why (browsers only see 1006). */
  private watchRefusal(): void {
    const socket = this.socket;
    if (!isNodeWebSocket(socket)) return;
    socket.on('unexpected-response', (_req, res) => {
      const chunks: string[] = [];
      let size = 0;
      const done = (): void => {
        if (this.refusal) return;
        this.refusal = readRefusal(res.statusCode ?? 0, chunks.join(''), res.headers?.['retry-after']);
        socket.terminate();
      };
      res.setEncoding?.('utf8');
      res.on('data', (chunk: string) => {
        if (size < 4096) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
  }
}

/** The `ws` package's socket: Node events (a refused upgrade's response among them) and terminate(). */
interface NodeWebSocket extends WebSocketLike {
  on(event: 'unexpected-response', fn: (req: unknown, res: ResponseLike) => void): void;
  terminate(): void;
}

function isNodeWebSocket(socket: WebSocketLike): socket is NodeWebSocket {
  return (
    'on' in socket && typeof socket.on === 'function' && 'terminate' in socket && typeof socket.terminate === 'function'
  );
}

interface ResponseLike {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
  setEncoding?(encoding: string): void;
  on(event: string, fn: (arg: any) => void): void;
}

interface Refusal {
  status: number;
  reason: string;
  until?: number;
  retryAfterMs?: number;
  refusal?: RefusalReason;
}

/** Longest `Retry-After` taken as said; a longer one is left to the backoff. */
const MAX_RETRY_AFTER_MS = 60_000;

/** The refusal's JSON body says why, and for a ban until when (`until`, epoch ms or ISO time). */
export function readRefusal(status: number, body: string, retryAfter?: string | string[]): Refusal {
  let parsed: { error?: unknown; message?: unknown; until?: unknown; reason?: unknown } = {};
  try {
    const value = JSON.parse(body) as unknown;
    if (typeof value === 'object' && value !== null) parsed = value;
  } catch {
    // Not JSON (a proxy's page, say): the status alone will do.
  }
  const text =
    typeof parsed.message === 'string' ? parsed.message : typeof parsed.error === 'string' ? parsed.error : undefined;
  const refusal: Refusal = { status, reason: text === undefined ? `HTTP ${status}` : `${status}: ${text}` };
  const until =
    typeof parsed.until === 'number' ? parsed.until : typeof parsed.until === 'string' ? Date.parse(parsed.until) : NaN;
  if (Number.isFinite(until)) refusal.until = until;
  const why = REFUSAL_REASONS.find((r) => r === parsed.reason);
  if (why !== undefined) refusal.refusal = why;
  // Delay-seconds only (an HTTP date would need the hub's clock to agree with ours).
  const ms = typeof retryAfter === 'string' && /^\d{1,5}$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : NaN;
  if (ms <= MAX_RETRY_AFTER_MS) refusal.retryAfterMs = ms;
  return refusal;
}
