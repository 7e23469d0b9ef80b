/**
 * A Jepsen-style delivery checker. It records every publish (and its outcome) and every message
 * each subscriber delivers to its app, per room, then classifies what went wrong:
 * - lost: a message the hub stored (acked, or delivered to anyone) that a member never got;
 * - duplicated: a message delivered to the same member twice;
 * - out of order: a message delivered after one that comes later in the room's stream
 *   (a later seq in the same epoch, or an earlier epoch after a newer one);
 * - unexpected: a message nobody published to that room.
 * Every subscriber joins before publishing starts and stays, so each must get every stored message.
 */

export interface Delivery {
  id: string | null;
  epoch: string;
  seq: number;
}

export interface Counts {
  published: number;
  acked: number;
  /** Publishes that ended in an error (the app was told; not counted as lost if never stored). */
  refused: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unexpected: number;
  leaks: number;
  /** From the end of the fault until every member of every room got a message published after it. */
  recoveryMs: number | null;
}

export class Checker {
  private readonly publishes = new Map<string, { room: string; at: number }>();
  private readonly acks = new Map<string, { epoch: string; seq: number }>();
  private readonly refusals = new Map<string, string>();
  /** Member (subscriber × room) → what it delivered, in order, with the time the test saw it. */
  private readonly deliveries = new Map<string, Array<Delivery & { at: number }>>();
  private readonly members = new Map<string, string>();
  /** Order in which epochs were first seen: a later epoch is a later part of the room's stream. */
  private readonly epochOrder = new Map<string, number>();
  healedAt: number | undefined;
  leaks = 0;

  /** A member of `room` (subscriber `who`) that must get every message stored in the room. */
  member(who: string, room: string): void {
    const key = `${who}|${room}`;
    this.members.set(key, room);
    if (!this.deliveries.has(key)) this.deliveries.set(key, []);
  }

  published(id: string, room: string): void {
    this.publishes.set(id, { room, at: Date.now() });
  }

  acked(id: string, at: { epoch: string; seq: number }): void {
    this.acks.set(id, at);
    this.seeEpoch(at.epoch);
  }

  refused(id: string, code: string): void {
    this.refusals.set(id, code);
  }

  delivered(who: string, room: string, d: Delivery): void {
    this.seeEpoch(d.epoch);
    const key = `${who}|${room}`;
    let list = this.deliveries.get(key);
    if (!list) this.deliveries.set(key, (list = []));
    list.push({ ...d, at: Date.now() });
  }

  /** Messages the hub is known to have stored, by room. */
  private stored(): Map<string, Set<string>> {
    const byRoom = new Map<string, Set<string>>();
    const add = (id: string): void => {
      const p = this.publishes.get(id);
      if (!p) return;
      let set = byRoom.get(p.room);
      if (!set) byRoom.set(p.room, (set = new Set()));
      set.add(id);
    };
    for (const id of this.acks.keys()) add(id);
    for (const list of this.deliveries.values()) for (const d of list) if (d.id) add(d.id);
    return byRoom;
  }

  /** Members that still miss a stored message (to wait on before judging). */
  missing(): number {
    return this.result().lost;
  }

  result(): Counts {
    const stored = this.stored();
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let unexpected = 0;
    for (const [key, list] of this.deliveries) {
      const room = this.members.get(key) ?? key.slice(key.indexOf('|') + 1);
      delivered += list.length;
      const seen = new Set<string>();
      let last: { epoch: number; seq: number } | undefined;
      for (const d of list) {
        const p = d.id ? this.publishes.get(d.id) : undefined;
        if (!d.id || !p || p.room !== room) unexpected++;
        else if (seen.has(d.id)) duplicated++;
        else seen.add(d.id);
        const at = { epoch: this.epochOrder.get(d.epoch) ?? 0, seq: d.seq };
        if (last && (at.epoch < last.epoch || (at.epoch === last.epoch && at.seq <= last.seq))) outOfOrder++;
        else last = at;
      }
      for (const id of stored.get(room) ?? []) if (!seen.has(id)) lost++;
    }
    return {
      published: this.publishes.size,
      acked: this.acks.size,
      refused: this.refusals.size,
      delivered,
      lost,
      duplicated,
      outOfOrder,
      unexpected,
      leaks: this.leaks,
      recoveryMs: this.recoveryMs(),
    };
  }

  /** What the refused publishes were refused with (for the report). */
  refusalCodes(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const code of this.refusals.values()) codes[code] = (codes[code] ?? 0) + 1;
    return codes;
  }

  private recoveryMs(): number | null {
    if (this.healedAt === undefined) return null;
    const healed = this.healedAt;
    let worst = 0;
    for (const list of this.deliveries.values()) {
      const first = list.find((d) => d.id && (this.publishes.get(d.id)?.at ?? 0) >= healed);
      if (!first) return null;
      worst = Math.max(worst, first.at - healed);
    }
    return worst;
  }

  private seeEpoch(epoch: string): void {
    if (!this.epochOrder.has(epoch)) this.epochOrder.set(epoch, this.epochOrder.size);
  }
}

export function formatCounts(fault: string, c: Counts, extra = ''): string {
  const cells = [
    fault,
    c.published,
    c.acked,
    c.refused,
    c.delivered,
    c.lost,
    c.duplicated,
    c.outOfOrder,
    c.unexpected,
    c.leaks,
    c.recoveryMs === null ? 'never' : `${c.recoveryMs} ms`,
  ];
  return `| ${cells.join(' | ')} |${extra ? ` ${extra}` : ''}`;
}

export const COUNTS_HEADER =
  '| fault | published | acked | refused | delivered | lost | duplicated | out of order | unexpected | leaks | recovery |\n|---|---|---|---|---|---|---|---|---|---|---|';
