/**
 * The memory engine's rooms kept on disk: windows restored at start (same epoch and seq, so clients
 * resume with `recovered: true`), each publish stored before it is acknowledged, trims followed.
 */
import { publishKeyId, type HistoryPolicy, type HistoryPolicyFor, type PublishInput } from '../../core/engine.js';
import { EngineUnavailableError } from '../../core/engine-errors.js';
import type { HistoryBudget } from '../memory/history-budget.js';
import { HistoryWindow } from '../memory/history-window.js';
import { PublishKeys } from '../memory/publish-keys.js';
import { SqliteHistory } from './sqlite-history.js';

/** A window that continues a stored epoch instead of starting a new one. */
class RestoredWindow extends HistoryWindow {
  override readonly epoch: string;
  constructor(policy: HistoryPolicy, epoch: string, budget?: HistoryBudget) {
    super(policy, budget);
    this.epoch = epoch;
  }
}

/** The first seq a window still holds: disk keeps the same, nothing older. */
function keepFrom(w: HistoryWindow): number {
  return w.seq - w.size + 1;
}

export class DurableRooms {
  private constructor(private readonly store: SqliteHistory) {}

  static open(file: string, synchronous?: 'NORMAL' | 'FULL'): DurableRooms {
    return new DurableRooms(new SqliteHistory(file, synchronous));
  }

  /** Rebuild every stored room; the windows' bounds (count, age, size) apply to what is read. */
  restore(
    policyFor: HistoryPolicyFor,
    now: number,
    windows: Map<string, HistoryWindow>,
    keys: Map<string, PublishKeys>,
    budget?: HistoryBudget,
  ): void {
    for (const stored of this.store.load()) {
      const policy = policyFor(stored.room);
      const w = new RestoredWindow(policy, stored.epoch, budget);
      const roomKeys = new PublishKeys(policy);
      for (const { message, key } of stored.messages) {
        // append numbers from seq + 1: set it so the stored seq is kept.
        w.seq = message.seq - 1;
        w.append(message, now);
        if (key !== undefined) roomKeys.remember(key, message);
      }
      w.seq = stored.seq;
      windows.set(stored.room, w);
      if (roomKeys.size > 0) keys.set(stored.room, roomKeys);
      this.store.trim(stored.room, keepFrom(w));
    }
  }

  /** A window was created: its epoch is stored now, so a restart continues it even before a publish. */
  started(room: string, w: HistoryWindow): void {
    try {
      this.store.startRoom(room, w.epoch, w.seq);
    } catch (err) {
      throw new EngineUnavailableError(`history store write failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Store the message `w` is about to append as its next seq; throws (nothing stored) on failure. */
  write(input: PublishInput, w: HistoryWindow, policy: HistoryPolicy): void {
    const seq = w.seq + 1;
    const message = {
      type: 'message' as const,
      room: input.room,
      epoch: w.epoch,
      seq,
      event: input.event,
      data: input.data,
      from: input.from,
      time: input.time,
      echo: input.echo || undefined,
    };
    // The count bound is known now; age and size trims follow at the sweep (trimmed()).
    const from = Math.max(keepFrom(w), seq - Math.max(1, policy.maxMessages) + 1);
    try {
      this.store.append(message, input.key === undefined ? undefined : publishKeyId(input.from.sub, input.key), from);
    } catch (err) {
      throw new EngineUnavailableError(`history store write failed: ${(err as Error).message}`, {
        cause: err,
        what: 'publish',
      });
    }
  }

  trimmed(room: string, w: HistoryWindow): void {
    this.store.trim(room, keepFrom(w));
  }

  dropped(room: string): void {
    this.store.dropRoom(room);
  }

  close(): void {
    this.store.close();
  }
}
