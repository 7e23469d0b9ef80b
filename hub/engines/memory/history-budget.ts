/**
 * One memory budget for the history of every room in this process. Per-room bounds alone let one
 * publisher fill the heap by writing to many rooms; past the budget the oldest messages across all
 * rooms go first (a client resuming past them gets `recovered: false, reason: "evicted"`).
 */
import { getHeapStatistics } from 'node:v8';

/** The part of a room's window the budget acts on. */
export interface BudgetedWindow {
  /** Seq of the oldest kept message, or one past the newest when none is kept. */
  readonly oldestSeq: number;
  readonly seq: number;
  /** Drop the oldest kept message for the budget. */
  evictOldest(): void;
}

interface Entry {
  window: BudgetedWindow;
  seq: number;
}

/** Default: a quarter of the heap limit (`--max-old-space-size` included). */
export function defaultHistoryBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 4);
}

export class HistoryBudget {
  /** Estimated bytes of every kept message (the estimate HistoryWindow uses for `maxBytes`). */
  used = 0;
  /** Messages dropped to stay within the budget, since start. */
  evicted = 0;
  /** Every kept message in the order it was stored, plus entries a room already dropped on its own. */
  private queue: Array<Entry | undefined> = [];
  private head = 0;
  private stale = 0;

  constructor(readonly maxBytes: number) {}

  /** A room stored a message; evict the oldest anywhere until the total fits (never this one). */
  added(window: BudgetedWindow, seq: number, bytes: number): void {
    this.used += bytes;
    this.queue.push({ window, seq });
    while (this.used > this.maxBytes && this.head < this.queue.length - 1) {
      const entry = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (isKept(entry)) {
        this.evicted++;
        entry.window.evictOldest();
      } else {
        this.stale--;
      }
    }
    this.compact();
  }

  /** A room let a message go (its own bounds, or for the budget). */
  released(bytes: number, forBudget: boolean): void {
    this.used -= bytes;
    if (!forBudget) this.stale++;
  }

  private compact(): void {
    const live = this.queue.length - this.head - this.stale;
    if (this.stale > 1024 && this.stale > live) {
      this.queue = this.queue.slice(this.head).filter((e) => isKept(e!));
      this.head = 0;
      this.stale = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

function isKept(e: Entry): boolean {
  return e.seq >= e.window.oldestSeq && e.seq <= e.window.seq;
}
