/**
 * A benchmark client: a raw socket plus the dialect's small state machine
 * (open → ready → subscribed). Deliveries go straight to the generator's sink.
 */
import { BenchSocket, SocketState, type CloseInfo, type Endpoint } from './bench-socket.js';
import type { Dialect, ResumeState } from './dialect.js';
import { markerIn } from './payload.js';
import { buildUpgradeRequest } from '../wire/handshake.js';

/** Receives every message that carries a publisher's stamp. */
export type DeliverySink = (client: BenchClient, payload: Buffer, markerAt: number, receivedUs: number) => void;

export interface ClientSpec {
  dialect: Dialect;
  token?: string;
  /** Room joined once ready; none for publishers and handshake probes. */
  room?: string;
  /** Keep positions (hub epoch/seq, Socket.IO pid/offset) for a later resume. */
  trackResume?: boolean;
}

export class BenchClient {
  sock: BenchSocket | null = null;
  /** Counted in step results; slow consumers are not. */
  healthy = true;
  received = 0;
  readonly resume: ResumeState | null;
  /** Set when a Socket.IO reconnect got its session (and rooms) back. */
  recovered = false;
  lastAck: Record<string, unknown> | undefined;
  closed: CloseInfo | null = null;
  errors = 0;
  /** Acks that answered something other than a subscribe (the hub acks every publish). */
  acks = 0;
  private settle: ((err?: Error) => void) | null = null;
  private subscribing = false;
  /** Where the last delivery's stamp was (payload.ts: markerIn). */
  private markerHint = -1;

  constructor(
    readonly spec: ClientSpec,
    public sink: DeliverySink,
  ) {
    this.resume = spec.trackResume ? {} : null;
  }

  get open(): boolean {
    return this.sock?.state === SocketState.open;
  }

  /** Resolves once ready and, with a room, subscribed; rejects on refusal, close or timeout. */
  connect(endpoint: Endpoint, timeoutMs: number): Promise<void> {
    const { dialect, token } = this.spec;
    const host = `${endpoint.host}:${endpoint.port}`;
    this.closed = null;
    this.recovered = false;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('ready timeout')), timeoutMs);
      const done = (err?: Error) => {
        if (!this.settle) return;
        this.settle = null;
        clearTimeout(timer);
        if (err) {
          this.sock?.drop();
          reject(err);
        } else resolve();
      };
      this.settle = done;
      const upgrade = buildUpgradeRequest(host, dialect.path, dialect.headers(token));
      this.sock = new BenchSocket(
        endpoint,
        upgrade,
        {
          open: () => {
            if (dialect.readyOnOpen) this.ready(undefined);
          },
          text: (payload, receivedUs) => {
            const at = markerIn(payload, this.markerHint);
            if (at >= 0) this.sink(this, payload, (this.markerHint = at), receivedUs);
            else this.controlFrame(payload.toString());
          },
          close: (info) => {
            this.closed = info;
            const what = info.status ? `HTTP ${info.status} ${info.reason}` : (info.error ?? `close ${info.code}`);
            this.settle?.(new Error(what));
          },
        },
        timeoutMs,
      );
    });
  }

  send(text: string): void {
    this.sock?.sendText(text);
  }

  private controlFrame(text: string): void {
    const event = this.spec.dialect.control(text, this.resume, this.subscribing && this.resume !== null);
    switch (event.kind) {
      case 'reply':
        this.send(event.text);
        return;
      case 'ready':
        this.ready(event.detail);
        return;
      case 'ack':
        if (!this.subscribing) {
          this.acks++;
          return;
        }
        this.subscribing = false;
        this.lastAck = event.detail;
        if (this.resume && typeof event.detail?.epoch === 'string') {
          if (this.resume.epoch !== event.detail.epoch) this.resume.seq = Number(event.detail.seq ?? 0);
          this.resume.epoch = event.detail.epoch;
        }
        this.settle?.();
        return;
      case 'error':
        this.errors++;
        this.settle?.(new Error(event.message));
        return;
      case 'ignore':
        return;
    }
  }

  private ready(detail: Record<string, unknown> | undefined): void {
    if (this.resume && typeof detail?.pid === 'string') {
      this.recovered = this.resume.pid === detail.pid;
      this.resume.pid = detail.pid;
    }
    if (this.spec.room && !this.recovered) {
      this.subscribing = true;
      this.send(this.spec.dialect.subscribe(this.spec.room, this.resume));
    } else {
      this.settle?.();
    }
  }
}
