/**
 * The publish keys of one room: `<sub> <key>` → where that publish was stored. A key is remembered
 * while its message can still be in history (the room's count and age bounds), oldest forgotten first.
 */
import { publishKeyId, type HistoryPolicy, type PublishInput, type PublishResult } from '../../core/engine.js';
import type { StreamPosition } from '../../protocol/index.js';

interface KeptKey extends StreamPosition {
  time: number;
}

export class PublishKeys {
  private readonly byKey = new Map<string, KeptKey>();

  constructor(private readonly policy: HistoryPolicy) {}

  /** The original of a repeated key in this epoch, as a publish answer with `duplicate: true`. */
  find(input: PublishInput, epoch: string, now: number): PublishResult | undefined {
    if (input.key === undefined) return undefined;
    const kept = this.byKey.get(publishKeyId(input.from.sub, input.key));
    if (!kept || kept.epoch !== epoch || kept.time < now - this.policy.maxAgeMs) return undefined;
    const { room, event, data, from, time } = input;
    return { type: 'message', room, epoch: kept.epoch, seq: kept.seq, event, data, from, time, duplicate: true };
  }

  /** `id` is `publishKeyId(sub, key)`. */
  remember(id: string, at: StreamPosition & { time: number }): void {
    const k = id;
    this.byKey.delete(k);
    this.byKey.set(k, { epoch: at.epoch, seq: at.seq, time: at.time });
    // Map order is insertion order: the first entries are the oldest publishes.
    const max = Math.max(1, this.policy.maxMessages);
    for (const oldest of this.byKey.keys()) {
      if (this.byKey.size <= max) break;
      this.byKey.delete(oldest);
    }
  }

  get size(): number {
    return this.byKey.size;
  }
}
