/** Test support: a real hub on a free port, tokens, and raw `ws` clients that record what they get. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { request as httpRequestRaw } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { SignJWT, type JWTPayload } from 'jose';
import { createHub, type HubContext, type HubExtension } from '../../hub/server/create-hub.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import { createLogger, type Logger } from '../../hub/server/logger.js';
import { importHmacSecret } from '../../hub/auth/keys.js';
import { mintToken } from '../../hub/auth/mint.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import type { Hub, MintClaims } from '../../hub/server/types.js';
import type { ServerMessage } from '../../hub/protocol/index.js';
import { sleep, until } from './until.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export function tempDir(prefix = 'insight-hub-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Start a hub on 127.0.0.1 and a free port with a known secret and a fresh data directory. */
export async function startHub(
  options: HubOptionsInput = {},
  extensions: HubExtension[] = hubExtensions(),
): Promise<Hub> {
  return createHub(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      logLevel: 'silent',
      ...options,
      auth: { secret: TEST_SECRET, ...options.auth },
    },
    extensions,
  );
}

export function token(hub: Hub, claims: Partial<MintClaims> & { sub: string }): Promise<string> {
  return hub.mintToken({ role: 'editor', rooms: ['*'], ttlSec: 3600, ...claims });
}

/** A raw protocol client that keeps every message it receives and can wait for one. */
export class TestClient {
  readonly received: ServerMessage[] = [];
  closed?: { code: number; reason: string };
  private waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  private closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];
  private nextId = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(msg);
      this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters) w(this.closed);
    });
    ws.on('error', () => {});
  }

  get welcome(): Extract<ServerMessage, { type: 'welcome' }> {
    return this.received.find((m) => m.type === 'welcome') as Extract<ServerMessage, { type: 'welcome' }>;
  }

  send(msg: object | string): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Send a message with a fresh id and wait for its ack or error. */
  async request(msg: Record<string, unknown>): Promise<ServerMessage & Record<string, unknown>> {
    const id = `r${++this.nextId}`;
    const answer = this.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
    this.send({ ...msg, id });
    return answer as Promise<ServerMessage & Record<string, unknown>>;
  }

  /** Deadlines here only bound a failure: generous, so a loaded machine does not fail a test. */
  waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a message; got ${JSON.stringify(this.received.slice(-3))}`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push((c) => (clearTimeout(timer), resolve(c)));
    });
  }

  /** Send `ping` and wait for its `pong`: the hub answers it after everything sent before it. */
  async pong(timeoutMs = 10_000): Promise<void> {
    const id = `ping${++this.nextId}`;
    const answer = this.waitFor((m) => m.type === 'pong' && m.id === id, timeoutMs);
    this.send({ type: 'ping', id });
    await answer;
  }

  messages(room?: string): Array<Extract<ServerMessage, { type: 'message' }>> {
    return this.received.filter((m) => m.type === 'message' && (!room || m.room === room)) as Array<
      Extract<ServerMessage, { type: 'message' }>
    >;
  }

  close(): void {
    this.ws.close();
  }
}

export interface ConnectOptions {
  /** How to present the token: header (default), subprotocol, or query (refused). */
  via?: 'header' | 'subprotocol';
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
  path?: string;
  /** Source address (127.0.0.2 …) to appear as another machine. */
  localAddress?: string;
}

/** Open a connection and wait for `welcome`. */
export async function connect(hub: Hub, tok: string, opts: ConnectOptions = {}): Promise<TestClient> {
  const ws = openSocket(hub, tok, opts);
  const client = new TestClient(ws);
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

export function openSocket(hub: Hub, tok: string | undefined, opts: ConnectOptions = {}): WebSocket {
  const via = opts.via ?? 'header';
  const protocols = opts.protocols ?? (via === 'subprotocol' && tok ? ['insight.v1', `bearer.${tok}`] : ['insight.v1']);
  const headers: Record<string, string> = { ...opts.headers };
  if (via === 'header' && tok) headers.authorization = `Bearer ${tok}`;
  return new WebSocket(hub.wsUrl.replace('/ws', opts.path ?? '/ws'), protocols, {
    headers,
    origin: opts.origin,
    localAddress: opts.localAddress,
  });
}

export interface Refused {
  status: number;
  body: { error: string; message: string };
  headers: Record<string, string | string[] | undefined>;
}

/** Attempt an upgrade that must be refused; resolves with the HTTP status and JSON body. */
export function expectRefused(hub: Hub, tok: string | undefined, opts: ConnectOptions = {}): Promise<Refused> {
  const ws = openSocket(hub, tok, opts);
  return new Promise((resolve, reject) => {
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
    });
  });
}

export { sleep, until };

// ---- helpers added for the hub feature tests (existing helpers above are unchanged) ----

/**
 * Start a hub and hand back its core too, captured through the public extension seam. Extensions
 * see the core only as an ExtensionHost; tests reach past that on purpose (heartbeat, limits), so
 * the core is handed back as the HubCore it is.
 */
export async function startHubWithCore(
  options: HubOptionsInput = {},
  extensions: HubExtension[] = hubExtensions(),
): Promise<{ hub: Hub; core: HubCore; ctx: HubContext }> {
  let ctx: HubContext | undefined;
  const hub = await startHub(options, [...extensions, (c) => void (ctx = c)]);
  return { hub, core: ctx!.core as HubCore, ctx: ctx! };
}

/** Sign arbitrary JWT claims (defaults: HS256 with the test secret, aud insight-hub, exp in 1 h). */
export async function signJwt(
  claims: Record<string, unknown>,
  opts: {
    alg?: string;
    key?: CryptoKey | KeyObject | Uint8Array;
    header?: Record<string, unknown>;
    omit?: string[];
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    aud: 'insight-hub',
    exp: now + 3600,
    iat: now,
    role: 'editor',
    rooms: ['*'],
    ...claims,
  };
  for (const k of opts.omit ?? []) delete payload[k];
  const alg = opts.alg ?? 'HS256';
  const key = opts.key ?? new TextEncoder().encode(TEST_SECRET);
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg, ...opts.header }).sign(key);
}

/** An unsigned `alg: none` token with the given claims (which a hub must refuse). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ aud: 'insight-hub', exp: now + 3600, role: 'editor', rooms: ['*'], ...claims })}.`;
}

/** The TCP socket under a `ws` client (to pause its reading, or to write raw bytes). */
export function underlyingSocket(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** A masked client frame, built byte by byte (opcode 0x1 text, 0x2 binary, 0x8 close …). */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const header = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) header[1] = 0x80 | len;
  else if (len < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

/** One frame the hub sent, parsed from raw bytes (server frames are never masked). */
export interface RawFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A raw TCP WebSocket peer: exact bytes out, frames in, no automatic pong or close reply. */
export class RawPeer {
  readonly frames: RawFrame[] = [];
  /** After a refusal (no 101): the HTTP body bytes. */
  body = Buffer.alloc(0);
  ended = false;
  private buffer = Buffer.alloc(0);

  constructor(
    readonly socket: Socket,
    readonly response: string,
    rest: Buffer,
  ) {
    const upgraded = this.status === 101;
    const take = (chunk: Buffer): void =>
      upgraded ? this.onData(chunk) : void (this.body = Buffer.concat([this.body, chunk]));
    socket.on('data', take);
    socket.on('close', () => (this.ended = true));
    socket.on('error', () => {});
    if (rest.length > 0) take(rest);
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.response)?.[1] ?? 0);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + len) return;
      this.frames.push({ fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + len) });
      this.buffer = b.subarray(offset + len);
    }
  }

  /** JSON messages from the hub's text frames. */
  messages(): ServerMessage[] {
    return this.frames
      .filter((f) => f.opcode === 0x1)
      .map((f) => JSON.parse(f.payload.toString('utf8')) as ServerMessage);
  }

  /** The close code the hub sent, if it sent a close frame. */
  get closeCode(): number | undefined {
    const close = this.frames.find((f) => f.opcode === 0x8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendText(text: string | Buffer): void {
    this.write(clientFrame(0x1, Buffer.isBuffer(text) ? text : Buffer.from(text)));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Upgrade over a raw TCP socket with exactly the headers given (plus the WebSocket key/version).
 * Resolves once the hub answered, whether 101 or a refusal.
 */
export function rawUpgrade(
  hub: Hub,
  /** A list of pairs sends a header name more than once. */
  headers: Record<string, string> | Array<[string, string]>,
  path = '/ws',
): Promise<RawPeer> {
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${hub.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(Array.isArray(headers) ? headers : Object.entries(headers)).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = netConnect(hub.port, '127.0.0.1');
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(new RawPeer(socket, head.subarray(0, end + 4).toString('latin1'), head.subarray(end + 4)));
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n'));
  });
}

/** A logger injected into the hub that keeps every line it writes (to check what is logged). */
export function captureLogs(level = 'debug'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  return { logger: createLogger(level, destination), lines, text: () => lines.join('') };
}

/** Plain HTTP against the hub: status, headers and parsed JSON (or text) body. */
export async function httpRequest(
  hub: Hub,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw({ host: '127.0.0.1', port: hub.port, method, path, headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** `insight-hub …` run from its TypeScript source (the repo's tests run sources; test/package runs the build), with its output kept. */
export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited and its output ended. */
  exited: Promise<number | string>;
}

export const CLI_PATH = fileURLToPath(new URL('../../hub/cli.ts', import.meta.url));

/** How the CLI's process is started: a descriptor limit (`ulimit -n` in a shell first) and Node flags. */
export interface CliLaunch {
  ulimit?: number;
  nodeFlags?: string[];
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, launch: CliLaunch = {}): CliRun {
  const node = [process.execPath, ...(launch.nodeFlags ?? []), '--import', 'tsx', CLI_PATH, ...args];
  // `exec` keeps one process: the pid, signals and exit code are the hub's own.
  const [command, argv] =
    launch.ulimit === undefined
      ? [node[0]!, node.slice(1)]
      : ['bash', ['-c', `ulimit -n ${launch.ulimit} && exec "$@"`, 'bash', ...node]];
  const child = spawn(command, argv, {
    env: { ...process.env, INSIGHT_HUB_SECRET: undefined, INSIGHT_HUB_CONFIG: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  // 'close' comes after the output streams have ended, so stdout()/stderr() are complete by then.
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** A hub served by the CLI in a child process, usable with `connect`, `token` and friends. */
export interface ServedHub extends CliRun {
  hub: Hub;
}

/**
 * Start `insight-hub serve` on a free port with the test secret (unless `env` says otherwise) and
 * wait until it listens. `hub` is a handle for the helpers: urls, port, and tokens minted with the
 * same secret.
 */
export async function serveHub(
  args: string[] = [],
  env: Record<string, string | undefined> = {},
  timeoutMs = 20_000,
  launch: CliLaunch = {},
): Promise<ServedHub> {
  const secret = env.INSIGHT_HUB_SECRET ?? TEST_SECRET;
  const run = runCli(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(), ...args],
    { INSIGHT_HUB_SECRET: secret, INSIGHT_HUB_LOG_LEVEL: 'warn', ...env },
    launch,
  );
  await until(
    () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(run.stderr()) || run.child.exitCode !== null,
    timeoutMs,
    'the served hub to listen',
  );
  const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(run.stderr());
  if (!m) throw new Error(`insight-hub serve did not start: ${run.stderr()}`);
  const port = Number(m[2]);
  const key = await importHmacSecret(secret);
  const handle = {
    port,
    url: m[1]!,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    mintToken: (claims: MintClaims) => mintToken(key, claims),
  };
  return { ...run, hub: handle as unknown as Hub };
}

/** A REST call with an optional bearer token and JSON body; answers the status and parsed JSON. */
export async function apiCall(
  h: Hub,
  method: string,
  path: string,
  tok?: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(h.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
