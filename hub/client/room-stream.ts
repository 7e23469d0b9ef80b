/**
 * A room's position in its numbered stream, and the rule that turns at-most-once live delivery
 * plus replay-on-resume into exactly-once, in-order delivery to the app.
 *
 * Seqs must follow one another. The one legitimate hole in live delivery is this client's own
 * publish without echo (the hub does not send it back); its ack names the seq, and messages that
 * arrive after the hole but before that ack are held until it does.
 */
import type { ResumeFailure, RoomMessage, StreamPosition, SubscribeAck } from '../protocol/index.js';

export interface Outcome {
  /** Messages for the app, in order (often one, none for duplicates, several after a hole closes). */
  deliver: RoomMessage[];
  /** Something is missing that no own publish explains: subscribe again from our position. */
  resync: boolean;
  /** The join's history is complete: the kept messages up to the join position, in order. */
  history?: RoomMessage[];
}

const NOTHING: Outcome = { deliver: [], resync: false };

/** After a join or a reset, the messages up to the ack's position are the join's history. */
interface CatchUp {
  epoch: string;
  upTo: number;
  messages: RoomMessage[];
}

export class RoomStream {
  private pos: StreamPosition | null = null;
  /** True between a subscribe's ack and the end of the connection (or the next resync). */
  private live = false;
  /** Messages past a hole, by seq, waiting for an own publish's ack to explain the hole. */
  private held = new Map<number, RoomMessage>();
  /** Seqs of own publishes without echo, acked but not yet reached. */
  private skips = new Set<number>();
  /** Own publishes without echo that have no ack yet: each may be a hole in the stream. */
  private unacked = 0;
  private catchUp: CatchUp | undefined;

  /**
   * @param sequenced false for hub rooms (`$admin`): their events carry no seq and are not
   *   replayed, so each is delivered as it comes.
   */
  constructor(private readonly sequenced = true) {}

  get position(): StreamPosition | null {
    return this.pos ? { ...this.pos } : null;
  }

  /** Subscribed on the current connection (its ack has arrived). */
  get isLive(): boolean {
    return this.live;
  }

  /** Waiting for the replayed history that follows a join's ack. */
  get catchingUp(): boolean {
    return this.catchUp !== undefined;
  }

  /** The `since` to send with the next subscribe. */
  get since(): StreamPosition | undefined {
    return this.pos ? { ...this.pos } : undefined;
  }

  /** The connection ended, or a resync is under way: drop messages until the next ack. */
  pause(): void {
    this.live = false;
    this.catchUp = undefined;
    // Held messages will be replayed; skips stay: a replay must step over own publishes too.
    this.held.clear();
  }

  /**
   * Takes a subscribe ack. Returns the reset reason when the hub could not replay from our
   * position; the app must then reload, and the stream continues from the hub's position.
   */
  acknowledge(
    ack: SubscribeAck,
    sentSince: StreamPosition | undefined,
    historyFollows = false,
  ): ResumeFailure | undefined {
    this.live = true;
    this.catchUp = undefined;
    if (!this.sequenced) return undefined;
    const hubPos = { epoch: ack.epoch, seq: ack.seq };
    if (!sentSince) {
      // First join: the stream starts after what the room already holds.
      this.restart(hubPos, historyFollows);
      return undefined;
    }
    if (ack.recovered === false) {
      // The hub replays what the new epoch holds, and after `evicted` the latest kept messages if
      // the subscribe asked for history: that is the join's history. Otherwise nothing follows.
      const reason = ack.reason ?? 'evicted';
      this.restart(hubPos, reason === 'epoch_changed' || historyFollows);
      return reason;
    }
    if (ack.epoch !== sentSince.epoch) {
      // A hub that claims recovery across epochs would be a silent gap: treat it as a reset.
      this.restart(hubPos, true);
      return 'epoch_changed';
    }
    // Recovered: the missed messages follow this ack; keep our position so each is delivered once.
    return undefined;
  }

  receive(msg: RoomMessage): Outcome {
    if (!this.live) return NOTHING;
    if (!this.sequenced) return { deliver: [msg], resync: false };
    if (!this.pos) return NOTHING;
    if (msg.epoch !== this.pos.epoch) return this.gap();
    const catchUp = this.catchUp;
    if (catchUp && msg.seq <= catchUp.upTo) {
      const last = catchUp.messages[catchUp.messages.length - 1];
      if (!last || msg.seq > last.seq) catchUp.messages.push(msg);
      return msg.seq === catchUp.upTo ? { deliver: [], resync: false, history: this.finishHistory() } : NOTHING;
    }
    // Past the join position: the replay (if any) is over.
    const history = catchUp ? this.finishHistory() : undefined;
    if (msg.seq <= this.pos.seq) return history ? { deliver: [], resync: false, history } : NOTHING;
    this.held.set(msg.seq, msg);
    const outcome = this.advance();
    return history ? { ...outcome, history } : outcome;
  }

  /** Ends the join's history (complete, or given up waiting for) and returns it. */
  finishHistory(): RoomMessage[] {
    const messages = this.catchUp?.messages ?? [];
    this.catchUp = undefined;
    return messages;
  }

  /** An own publish without echo was sent: until its ack, a hole may be ours. */
  publishing(): void {
    this.unacked++;
  }

  /** Its ack: the seq will never come back live, so the stream steps over it. */
  published(at: StreamPosition): Outcome {
    this.unacked = Math.max(0, this.unacked - 1);
    if (this.pos && at.epoch === this.pos.epoch && at.seq > this.pos.seq) this.skips.add(at.seq);
    return this.live ? this.advance() : NOTHING;
  }

  /** It failed: it made no hole (or, if the connection dropped, the resume replays it). */
  publishFailed(): Outcome {
    this.unacked = Math.max(0, this.unacked - 1);
    return this.live ? this.advance() : NOTHING;
  }

  private advance(): Outcome {
    const pos = this.pos!;
    const deliver: RoomMessage[] = [];
    for (;;) {
      const next = pos.seq + 1;
      const msg = this.held.get(next);
      if (this.skips.has(next)) {
        // Own publish without echo (arriving only in a replay, if at all): not for the app.
        this.skips.delete(next);
        this.held.delete(next);
      } else if (msg) {
        this.held.delete(next);
        deliver.push(msg);
      } else {
        break;
      }
      pos.seq = next;
    }
    // A hole no pending publish can explain is a real gap.
    const resync = this.held.size > 0 && this.unacked === 0;
    if (resync) this.pause();
    return { deliver, resync };
  }

  private restart(at: StreamPosition, historyFollows: boolean): void {
    this.pos = at;
    this.held.clear();
    this.skips.clear();
    if (historyFollows && at.seq > 0) this.catchUp = { epoch: at.epoch, upTo: at.seq, messages: [] };
  }

  private gap(): Outcome {
    this.pause();
    return { deliver: [], resync: true };
  }
}
