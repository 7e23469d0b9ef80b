/**
 * A room's position in its numbered stream, and the rule that turns at-most-once live delivery
 * plus replay-on-resume into exactly-once, in-order delivery to the app.
 */
import type { ResumeFailure, RoomMessage, StreamPosition, SubscribeAck } from '../protocol/index.js';

/** What to do with one incoming message. */
export type Verdict =
  /** The next seq: hand it to the app. */
  | 'deliver'
  /** Already delivered (a replay overlapping live delivery): drop it. */
  | 'duplicate'
  /** Not yet subscribed on this connection, or waiting for a resync: drop it. */
  | 'ignore'
  /** Something is missing before it (or the epoch moved under us): resubscribe from our position. */
  | 'gap';

export class RoomStream {
  private pos: StreamPosition | null = null;
  /** True between a subscribe's ack and the end of the connection (or the next resync). */
  private live = false;

  get position(): StreamPosition | null {
    return this.pos ? { ...this.pos } : null;
  }

  /** Subscribed on the current connection (its ack has arrived). */
  get isLive(): boolean {
    return this.live;
  }

  /** The `since` to send with the next subscribe. */
  get since(): StreamPosition | undefined {
    return this.pos ? { ...this.pos } : undefined;
  }

  /** The connection ended, or a resync is under way: drop messages until the next ack. */
  pause(): void {
    this.live = false;
  }

  /**
   * Takes a subscribe ack. Returns the reset reason when the hub could not replay from our
   * position; the app must then reload, and the stream continues from the hub's position.
   */
  acknowledge(ack: SubscribeAck, sentSince: StreamPosition | undefined): ResumeFailure | undefined {
    this.live = true;
    const hubPos = { epoch: ack.epoch, seq: ack.seq };
    if (!sentSince) {
      // First join: the stream starts after what the room already holds.
      this.pos = hubPos;
      return undefined;
    }
    if (ack.recovered === false) {
      this.pos = hubPos;
      return ack.reason ?? 'evicted';
    }
    if (ack.epoch !== sentSince.epoch) {
      // A hub that claims recovery across epochs would be a silent gap: treat it as a reset.
      this.pos = hubPos;
      return 'epoch_changed';
    }
    // Recovered: the missed messages follow this ack; keep our position so each is delivered once.
    return undefined;
  }

  judge(msg: RoomMessage): Verdict {
    if (!this.live || !this.pos) return 'ignore';
    if (msg.epoch !== this.pos.epoch) return 'gap';
    if (msg.seq <= this.pos.seq) return 'duplicate';
    if (msg.seq !== this.pos.seq + 1) return 'gap';
    this.pos = { epoch: msg.epoch, seq: msg.seq };
    return 'deliver';
  }
}
