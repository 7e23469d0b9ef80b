/**
 * The engine's state across lost connections: down as soon as either connection is lost, then
 * retried until both are back and everything missed is restored (this hub's presence record, stray
 * channels dropped, every feed caught up, presence changes reported): only then up again.
 */
import type { EngineState, PresenceDiff } from '../../core/engine.js';
import type { RedisConnection } from './connection.js';
import type { EngineLogger } from './options.js';
import { logRejection } from '../../core/log-rejection.js';
import type { RedisPresence, RosterView } from './presence.js';
import type { RoomFeeds } from './room-feeds.js';

const RECOVER_RETRY_MS = 500;

export interface RecoveryParts {
  logger?: EngineLogger;
  nodeTtlMs: number;
  presence: RedisPresence;
  feeds: RoomFeeds;
  roster: RosterView;
  commands(): RedisConnection | undefined;
  subscriber(): RedisConnection | undefined;
  /** Started and not closing: a lost connection counts. */
  live(): boolean;
  closing(): boolean;
  stateChanged(state: EngineState, detail: string): void;
  presenceChanged(room: string, diff: PresenceDiff): void;
}

export class Recovery {
  state: EngineState = 'down';
  /** Both connections are ready and every feed has caught up since the last loss. */
  private healthy = false;
  private recovering = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly parts: RecoveryParts) {}

  /** Connected at start. */
  started(): void {
    this.healthy = true;
    this.state = 'up';
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  lost(role: string, detail: string): void {
    if (!this.parts.live()) return;
    this.set(false, `redis ${role} connection: ${detail}`);
    // Usually a reconnection follows and its 'ready' recovers; an error that left the connection
    // standing (a bad reply, a failed ping) has no 'ready' to wait for, so check again shortly.
    this.retrySoon();
  }

  /** After a connection came back: restore presence, drop stray channels, catch every feed up. */
  async recover(): Promise<void> {
    if (!this.parts.live() || this.recovering || this.healthy) return;
    const { commands, subscriber } = this.parts;
    const subscriberNow = subscriber();
    if (!commands()?.isReady || !subscriberNow?.isReady) return;
    this.recovering = true;
    try {
      await this.parts.presence.heartbeat(this.parts.nodeTtlMs, false);
      await this.parts.feeds.recover(subscriberNow);
      await this.reconcilePresence();
      if (!commands()?.isReady || !subscriber()?.isReady) throw new Error('connection lost again');
      this.set(true, 'redis reachable; feeds caught up');
    } catch (err) {
      this.parts.logger?.warn({ err: (err as Error).message }, 'redis engine recovery incomplete; retrying');
      this.retrySoon();
    } finally {
      this.recovering = false;
    }
  }

  set(healthy: boolean, detail: string): void {
    this.healthy = healthy;
    const next: EngineState = healthy ? 'up' : 'down';
    if (next === this.state) return;
    this.state = next;
    if (next === 'down') this.parts.logger?.warn({ detail }, 'redis engine down');
    else this.parts.logger?.info({ detail }, 'redis engine up');
    if (!this.parts.closing() || next === 'up') this.parts.stateChanged(next, detail);
  }

  private retrySoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => logRejection(this.recover(), this.parts.logger, 'redis engine recovery'),
      RECOVER_RETRY_MS,
    );
    this.timer.unref();
  }

  /** Report the presence changes whose diffs were sent while this hub was not listening. */
  private async reconcilePresence(): Promise<void> {
    const { feeds, presence, roster } = this.parts;
    for (const room of feeds.rooms()) {
      const members = await presence.list(room);
      if (!feeds.has(room)) continue;
      const diff = roster.reconcile(room, members);
      if (diff) this.parts.presenceChanged(room, diff);
    }
  }
}
