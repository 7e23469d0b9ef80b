/** A timer to an absolute time that may be further off than setTimeout's longest delay (a ban's end). */

/** setTimeout's longest delay; a ban may last longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class WakeAt {
  private timer: ReturnType<typeof setTimeout> | undefined;

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Calls `fn` at `at` (epoch ms), in steps of at most MAX_TIMER_MS; replaces any earlier one. */
  set(at: number, fn: () => void): void {
    this.clear();
    const wait = (): void => {
      const left = at - Date.now();
      this.timer = setTimeout(
        () => {
          if (left > MAX_TIMER_MS) return wait();
          this.timer = undefined;
          fn();
        },
        Math.min(Math.max(0, left), MAX_TIMER_MS),
      );
    };
    wait();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
