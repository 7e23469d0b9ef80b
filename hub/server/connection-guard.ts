/**
 * TCP-level defence, before any HTTP parsing: sockets are counted per source address and in total
 * at `connection` time, a socket that has not sent a complete request head within
 * `headerTimeoutMs` is closed, and the ceiling stays below the process's descriptor limit so that
 * accepting never takes the descriptors the hub needs for its own files and Redis. When `accept`
 * fails anyway (EMFILE), the server's 'error' is counted and the existing sockets go on.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../protocol/index.js';
import { PEER_ADDRESS, refusalText } from '../http/http-util.js';
import { sharedAddress } from './shared-strings.js';

export interface SocketLimits {
  /** From `connection` to a complete request head (or upgrade). */
  headerTimeoutMs: number;
  maxTcpConnections: number;
  maxTcpConnectionsPerIp: number;
}

export type SocketRefusalReason = 'total' | 'per_ip' | 'header_timeout' | 'accept_failed';

export interface SocketRefusal {
  reason: SocketRefusalReason;
  ip: string;
  message: string;
}

/**
 * The soft limit on open files. Node has no getrlimit: Linux shows it in /proc/self/limits; other
 * Unixes answer `ulimit -n` in a child shell (which inherits the limit). Undefined when unlimited
 * or unknown (Windows), and then only the configured ceiling applies.
 */
export function descriptorLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {
    // not Linux
  }
  if (process.platform === 'win32') return undefined;
  try {
    const n = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Descriptors kept for the hub itself (files, audit log, Redis, stdio): an eighth, at least 64. */
export function socketCeiling(requested: number, fdLimit: number | undefined): number {
  if (fdLimit === undefined) return requested;
  return Math.max(1, Math.min(requested, fdLimit - Math.max(64, Math.ceil(fdLimit / 8))));
}

const PENDING = Symbol('headerTimer');
type GuardedSocket = Socket & {
  [PENDING]?: NodeJS.Timeout;
  [PEER_ADDRESS]?: string;
  _parent?: Socket;
  /** Node's cache of the peer's address once read (an object of about 56 bytes per connection). */
  _peername?: unknown;
};

export class ConnectionGuard {
  total = 0;
  private readonly byIp = new Map<string, number>();
  /** Refused sockets by reason, for /metrics. */
  readonly refused = new Map<SocketRefusalReason, number>();
  readonly ceiling: number;
  /** Per address: the configured cap, but never more than half the ceiling, so one host cannot take every slot. */
  readonly perIpCeiling: number;
  /** The 'close' listener of every counted socket (the socket is its `this`). */
  private readonly released: (this: GuardedSocket) => void;

  constructor(
    private readonly limits: SocketLimits,
    private readonly tls: boolean,
    private readonly onRefused: (refusal: SocketRefusal) => void,
    readonly fdLimit = descriptorLimit(),
  ) {
    this.ceiling = socketCeiling(limits.maxTcpConnections, fdLimit);
    this.perIpCeiling = Math.max(1, Math.min(limits.maxTcpConnectionsPerIp, Math.floor(this.ceiling / 2)));
    this.released = ConnectionGuard.closeListener(this);
  }

  /**
   * Count sockets from the first `connection`; call before `listen`. Upgrades are not listened to
   * here (a listener alone makes Node hand upgrades over): the upgrade handler calls `headArrived`.
   */
  install(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req) => this.headArrived(req.socket));
  }

  /** The server's 'error' after listening: accept failed (EMFILE/ENFILE); nothing else is lost. */
  acceptFailed(err: NodeJS.ErrnoException): void {
    this.count('accept_failed');
    this.onRefused({ reason: 'accept_failed', ip: '', message: `accept failed: ${err.code ?? err.message}` });
  }

  private admit(socket: GuardedSocket): void {
    const ip = socket.remoteAddress;
    if (ip === undefined) return void socket.destroy();
    const fromIp = this.byIp.get(ip) ?? 0;
    if (this.total >= this.ceiling)
      return this.refuse(socket, 'total', ip, 503, 'unavailable', 'too many connections to this hub; retry later');
    if (fromIp >= this.perIpCeiling) {
      return this.refuse(socket, 'per_ip', ip, 429, 'rate_limited', 'too many connections from this address');
    }
    this.total++;
    this.byIp.set(ip, fromIp + 1);
    // The address is kept once per address, not as Node's per-socket object, for the life of
    // the connection; `release` and `clientIp` read it from here.
    socket[PEER_ADDRESS] = sharedAddress(ip);
    socket._peername = undefined;
    // One listener shared by every socket ('close' comes once): a closure and a once-wrapper per
    // socket would cost about 250 bytes per idle connection.
    socket.on('close', this.released);
    socket[PENDING] = setTimeout(() => {
      socket[PENDING] = undefined;
      this.refuse(
        socket,
        'header_timeout',
        ip,
        408,
        'bad_request',
        `no complete request within ${this.limits.headerTimeoutMs} ms`,
      );
    }, this.limits.headerTimeoutMs).unref();
  }

  private static closeListener(guard: ConnectionGuard): (this: GuardedSocket) => void {
    return function (this: GuardedSocket) {
      guard.release(this);
    };
  }

  /** A counted socket closed: it is uncounted under the address `admit` counted it under. */
  private release(socket: GuardedSocket): void {
    const ip = socket[PEER_ADDRESS]!;
    this.total--;
    const n = (this.byIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.byIp.delete(ip);
    else this.byIp.set(ip, n);
    clearTimeout(socket[PENDING]);
  }

  /** A complete request head (or upgrade) came in on `socket`: its header timer stops. */
  headArrived(socket: Duplex): void {
    // Behind TLS the request's socket wraps the TCP socket the timer is on.
    const raw = ((socket as GuardedSocket)._parent ?? socket) as GuardedSocket;
    if (raw[PENDING] === undefined) return;
    clearTimeout(raw[PENDING]);
    raw[PENDING] = undefined;
  }

  private refuse(
    socket: Socket,
    reason: SocketRefusalReason,
    ip: string,
    status: number,
    code: ErrorCode,
    message: string,
  ): void {
    this.count(reason);
    this.onRefused({ reason, ip, message });
    // An answer in plain HTTP means nothing inside TLS; there the socket is just closed.
    if (this.tls || socket.destroyed) return void socket.destroy();
    // Closed as soon as the answer is written: a descriptor held for a refused peer is one the hub lacks.
    socket.end(refusalText(status, code, message), () => socket.destroy());
  }

  private count(reason: SocketRefusalReason): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }
}
