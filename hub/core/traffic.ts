/** Running totals of messages and bytes in and out, overall and per room, for stats and metrics. */

export interface TrafficTotals {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

const zero = (): TrafficTotals => ({ messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 });

export class TrafficCounters {
  readonly total: TrafficTotals = zero();
  readonly rooms = new Map<string, TrafficTotals>();

  private room(room: string): TrafficTotals {
    let t = this.rooms.get(room);
    if (!t) {
      t = zero();
      this.rooms.set(room, t);
    }
    return t;
  }

  recordIn(room: string | undefined, bytes: number): void {
    this.total.messagesIn++;
    this.total.bytesIn += bytes;
    if (room) {
      const t = this.room(room);
      t.messagesIn++;
      t.bytesIn += bytes;
    }
  }

  recordOut(room: string, recipients: number, frameBytes: number): void {
    this.total.messagesOut += recipients;
    this.total.bytesOut += recipients * frameBytes;
    const t = this.room(room);
    t.messagesOut += recipients;
    t.bytesOut += recipients * frameBytes;
  }

  forget(room: string): void {
    this.rooms.delete(room);
  }
}
