/**
 * One connection to a hub, from its link's opening to its end: the deadline for `welcome`, the
 * heartbeat once welcomed, and what the hub said on it that matters when it closes (its notes).
 */
import type { NoticeMessage } from '../protocol/index.js';
import { noteNotice, type ConnectionNotes } from './connection-notes.js';
import type { ClientError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import type { RequestChannel } from './request-channel.js';
import type { TokenKeeper } from './token-keeper.js';
import type { Link } from './transport.js';

/** What a connection uses of the client. */
export interface ConnectionParts {
  ackTimeoutMs: number;
  pingIntervalMs: number;
  channel: RequestChannel;
  tokens: TokenKeeper;
  /** The token was refreshed in band: the session now expires at `expiresAt`. */
  refreshed(expiresAt: number): void;
  reportError(error: ClientError): void;
}

export class Connection {
  readonly notes: ConnectionNotes = {};
  private readonly heartbeat: Heartbeat;
  private welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  private dropped = false;

  constructor(
    readonly link: Link,
    private readonly parts: ConnectionParts,
  ) {
    const { ackTimeoutMs, pingIntervalMs, channel } = parts;
    this.heartbeat = new Heartbeat(
      pingIntervalMs,
      () => channel.sendNow({ type: 'ping' }),
      () => link.end(1006, 'no answer to ping'),
    );
    if (Number.isFinite(ackTimeoutMs)) {
      this.welcomeTimer = setTimeout(() => link.end(1006, `no welcome within ${ackTimeoutMs} ms`), ackTimeoutMs);
    }
  }

  /** A frame arrived: the hub is alive. */
  heard(): void {
    this.heartbeat.alive();
  }

  welcomed(): void {
    clearTimeout(this.welcomeTimer);
    this.heartbeat.start();
  }

  note(notice: NoticeMessage): void {
    noteNotice(this.notes, notice);
  }

  /** In-band refresh: a new token on the same connection, so nothing is dropped. */
  async refreshToken(): Promise<void> {
    const { tokens, channel } = this.parts;
    const token = await tokens.forRefresh();
    // A reconnect in the meantime asked getToken itself.
    if (token === null || this.dropped) return;
    channel.requestNow(
      { type: 'auth', token },
      {
        onAnswer: ({ expiresAt }) => {
          tokens.use(token);
          this.parts.refreshed(expiresAt);
        },
        onFailure: (err) => this.parts.reportError(err),
      },
    );
  }

  /** The link ended or is given up: its timers stop. */
  drop(): void {
    this.dropped = true;
    clearTimeout(this.welcomeTimer);
    this.heartbeat.stop();
  }
}
