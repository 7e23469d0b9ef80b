/**
 * The client's connection lifecycle: one connection at a time (to one of its hub URLs), opened
 * with a token from the app, welcomed, every room resubscribed, then ready; reconnected by the
 * close-code policy, stopped for good or until a ban ends. Its phase and the state the app sees
 * change together, by the moves of connection-state.ts.
 */
import {
  CloseCode,
  CloseReason,
  type NoticeMessage,
  type ServerMessage,
  type WelcomeMessage,
} from '../protocol/index.js';
import { Attempts, type RetryDecision } from './attempts.js';
import { closeReport, decideAfterClose, tokenCause, type Ending, type Stop } from './close-policy.js';
import { Connection } from './connection.js';
import { closedError, LifecycleState } from './connection-state.js';
import { ClientError } from './errors.js';
import type { RequestChannel } from './request-channel.js';
import { messageOf, parseServerMessage } from './server-frames.js';
import { TokenKeeper } from './token-keeper.js';
import { dial, webSocketImpl } from './dial.js';
import { Link, type LinkEnding, type LinkEvents } from './transport.js';
import { WakeAt } from './wake-at.js';
import type { CloseInfo, ConnectOptions, ConnectionState, Session, Unsubscribe } from './types.js';

const DEFAULT_PING_INTERVAL_MS = 20_000;

const APP_CLOSED: Stop = { code: CloseCode.normal, reason: 'closed by the application', cause: 'client_closed' };

/** What the lifecycle needs of the client: its rooms, its requests, and where to report. */
export interface LifecycleHost {
  /** For the heartbeat's pings and the in-band token refresh. */
  readonly channel: RequestChannel;
  /** Welcomed: every room subscribes again; resolves once each had its first answer. */
  resubscribe(): Promise<void>;
  /** Resubscribed: what waited for a connection goes out. */
  resumed(): void;
  /** A frame for the requests or the rooms (welcome and notices are the lifecycle's). */
  frame(msg: Exclude<ServerMessage, WelcomeMessage | NoticeMessage>): void;
  /** The hub's engine answers again: rooms retry what it refused. */
  engineUp(): void;
  /** The connection is gone: the rooms hear it. */
  linkLost(): void;
  /** Requests sent on the connection that ended with `code` fail. */
  requestsLost(code: number): void;
  /** Stopped for good, or until a ban ends: everything waiting fails with `error`. */
  halted(untilBan: boolean, error: () => ClientError): void;
  reportError(error: ClientError): void;
  notice(notice: NoticeMessage): void;
}

export class Lifecycle {
  private readonly lifeState = new LifecycleState();
  private readonly attempts: Attempts;
  private readonly tokens: TokenKeeper;

  private sessionValue: Session | null = null;
  private connection: Connection | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while stopped by a ban: the attempt due when it ends. */
  private readonly banEnd = new WakeAt();

  constructor(
    private readonly options: ConnectOptions,
    private readonly host: LifecycleHost,
    private readonly ackTimeoutMs: number,
  ) {
    this.attempts = new Attempts(options.url, options.backoff);
    this.tokens = new TokenKeeper(options.getToken, (error) => host.reportError(error));
  }

  /** The first attempt. */
  start(): void {
    this.guard(this.open());
  }

  get state(): ConnectionState {
    return this.lifeState.value;
  }

  get session(): Session | null {
    return this.sessionValue;
  }

  onState(fn: (state: ConnectionState) => void): Unsubscribe {
    return this.lifeState.subscribe(fn);
  }

  /** Every room had its first answer: requests go straight out. */
  get ready(): boolean {
    return this.lifeState.phase === 'ready';
  }

  /** Welcomed, with the link open: frames can be written. */
  get canSend(): boolean {
    return this.welcomed && this.connection?.link.isOpen === true;
  }

  write(text: string): boolean {
    return this.connection?.link.send(text) ?? false;
  }

  /** The app closes the client for good. */
  close(): void {
    if (this.lifeState.phase === 'banned') {
      // Stopped by a ban and waiting for its end: the app no longer wants that reconnect.
      this.banEnd.clear();
      this.lifeState.move({ kind: 'stopped', closed: APP_CLOSED });
      return;
    }
    if (this.stopped) return;
    const link = this.connection?.link;
    this.stop(APP_CLOSED, false);
    link?.close(CloseReason.clientClosed.code, CloseReason.clientClosed.reason);
  }

  get welcomed(): boolean {
    return this.lifeState.phase === 'resuming' || this.lifeState.phase === 'ready';
  }

  get stopped(): boolean {
    return this.lifeState.phase === 'stopped' || this.lifeState.phase === 'banned';
  }

  /** Whatever goes wrong inside the client's own async work is reported, never thrown at the host. */
  private guard(work: Promise<void>): void {
    work.catch((err: unknown) =>
      this.host.reportError(new ClientError('connection_closed', `client failure: ${messageOf(err)}`)),
    );
  }

  /** Starts an attempt after `ms`. */
  private openSoon(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.guard(this.open());
    }, ms);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.lifeState.move({ kind: 'attempt' });
    const token = await this.tokens.forAttempt();
    if (token === null) return this.retry({ kind: 'backoff', report: false }, { code: 1006, reason: 'no token' });
    const ctor = await webSocketImpl(this.options.WebSocket);
    if (typeof ctor !== 'function') return this.stop(ctor);
    if (this.stopped) return;
    this.tokens.use(token);
    const events: LinkEvents = {
      open: () => undefined, // the connection counts as open at `welcome`
      frame: (data) => this.connection?.link === link && this.onFrame(data),
      end: (ending) => this.connection?.link === link && this.onEnd(ending),
    };
    const link = dial(ctor, this.attempts.url, token, events, this.ackTimeoutMs);
    if (!(link instanceof Link)) return this.stop(link);
    this.connection = new Connection(link, {
      ackTimeoutMs: this.ackTimeoutMs,
      pingIntervalMs: this.options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      channel: this.host.channel,
      tokens: this.tokens,
      refreshed: (expiresAt) => {
        if (this.sessionValue) this.sessionValue = { ...this.sessionValue, expiresAt };
      },
      reportError: (error) => this.host.reportError(error),
    });
  }

  private onFrame(data: unknown): void {
    this.connection?.heard();
    const msg = parseServerMessage(data);
    if (!msg) {
      this.host.reportError(new ClientError('bad_frame', 'the hub sent a frame that is not a protocol message'));
      return;
    }
    if (msg.type === 'welcome') this.guard(this.onWelcome(msg));
    else if (msg.type === 'notice') this.onHubNotice(msg);
    else this.host.frame(msg);
  }

  private async onWelcome(welcome: Session): Promise<void> {
    const connection = this.connection;
    this.sessionValue = welcome;
    this.lifeState.move({ kind: 'welcomed' });
    connection?.welcomed();
    await this.host.resubscribe();
    if (this.connection !== connection || this.lifeState.phase !== 'resuming') return;
    this.lifeState.move({ kind: 'resumed' });
    // Only a connection that got this far counts as healthy: one closed during its own resume
    // (a replay too big for the hub's send queue, say) must not be retried at full speed forever.
    this.attempts.healthy();
    this.host.resumed();
  }

  private onHubNotice(notice: NoticeMessage): void {
    // Sent by hubs that watch their engine: retry now what waits because it was away.
    if ((notice.event as string) === 'engine_up') this.host.engineUp();
    if (notice.event === 'token_expiring' && this.connection) this.guard(this.connection.refreshToken());
    this.connection?.note(notice);
    this.host.notice(notice);
  }

  /** Forget the current link: timers, heartbeat and readiness; rooms hear the connection is gone. */
  private dropLink(): void {
    this.connection?.drop();
    this.connection = undefined;
    if (!this.stopped) this.lifeState.move({ kind: 'link_lost' });
    this.host.linkLost();
  }

  private onEnd(ending: LinkEnding): void {
    const notes = this.connection?.notes;
    this.dropLink();
    this.host.requestsLost(ending.code);
    if (this.stopped) return;
    const observed: Ending = { ...ending, ...notes };
    const decision = decideAfterClose(observed);
    const close: CloseInfo = { code: ending.code, reason: ending.reason };
    const reported = closeReport(decision, ending);
    if (reported) this.host.reportError(reported);
    if (decision.kind === 'stop') return this.stop(decision);
    if (decision.kind === 'new-token') {
      this.lifeState.move({ kind: 'renewing' });
      this.guard(this.renewAfterRejection(observed));
      return;
    }
    this.retry(decision, close);
  }

  /** After 4001 (or HTTP 401): reconnect only if the app has a different token to offer. */
  private async renewAfterRejection(ending: Ending): Promise<void> {
    const close: CloseInfo = { code: ending.code, reason: ending.reason };
    const renewal = await this.tokens.renewal();
    if ('none' in renewal) {
      return this.stop({
        code: CloseCode.tokenInvalid,
        reason: `token rejected (${close.reason || 'expired or invalid'}) and ${renewal.none}`,
        cause: tokenCause(ending),
      });
    }
    if (this.stopped) return;
    this.tokens.renewWith(renewal.token);
    this.retry({ kind: 'backoff', report: false }, close);
  }

  private retry(decision: RetryDecision, close: CloseInfo): void {
    if (this.stopped) return;
    const delay = this.attempts.next(decision);
    if (delay === null) {
      return this.stop({
        code: close.code,
        reason: `gave up after ${this.attempts.attempt - 1} attempts (last: ${close.code} ${close.reason})`.trim(),
        cause: 'gave_up',
      });
    }
    this.lifeState.move({
      kind: 'retry_due',
      retry: { inMs: delay, attempt: this.attempts.attempt, lastClose: close },
    });
    this.openSoon(delay);
  }

  /**
   * No more reconnects; everything waiting is failed. With `until` (a ban's end) the client
   * connects again then, unless the app calls close() first.
   */
  private stop(why: Stop, report = true): void {
    if (this.stopped) return;
    const { code, reason, cause, until } = why;
    // Stopped, and shown closed, before the link is dropped: what the rooms do on hearing of it
    // finds the client stopped.
    this.lifeState.move({
      kind: 'stopped',
      closed: { code, reason, cause, ...(until === undefined ? {} : { until }) },
    });
    clearTimeout(this.retryTimer);
    this.dropLink();
    this.host.halted(until !== undefined, () => this.closedError());
    if (report) this.host.reportError(new ClientError('connection_closed', `stopped: ${reason}`, { closeCode: code }));
    if (until !== undefined) this.reopenAfterBan(until);
  }

  /** Connect again once the ban is over (plus a margin and a jitter: attempts.ts). */
  private reopenAfterBan(until: number): void {
    this.banEnd.set(this.attempts.afterBan(until), () => {
      this.lifeState.move({ kind: 'ban_over' });
      this.guard(this.open());
    });
  }

  closedError(): ClientError {
    return closedError(this.lifeState.value);
  }
}
