/**
 * Presence churn: a share of a group's clients each set a presence state `perSecond` times a
 * second, spread evenly over the second, until stopped. Runs beside a fan-out step in the same
 * process, so the step's latencies are those of regular messages while presence changes.
 */
import type { BenchClient } from './client.js';

export interface ChurnArgs {
  group: string;
  room: string;
  /** Share of the group's clients that update (taken evenly across the group). */
  fraction: number;
  perSecond: number;
}

export class Churn {
  private timer: NodeJS.Timeout | null = null;
  sent = 0;

  start(clients: BenchClient[], args: ChurnArgs): { updaters: number } {
    this.stop();
    const every = Math.max(1, Math.round(1 / args.fraction));
    const updaters = clients.filter((c, i) => i % every === 0 && c.open);
    // Owed by the clock, not by ticks: a busy generator sends late but not fewer.
    const perMs = (updaters.length * args.perSecond) / 1000;
    const started = Date.now();
    let next = 0;
    this.sent = 0;
    this.timer = setInterval(() => {
      for (let owed = Math.floor((Date.now() - started) * perMs) - this.sent; owed > 0; owed--) {
        const c = updaters[next++ % updaters.length]!;
        c.send(c.spec.dialect.presence(args.room, `{"view":"w${this.sent % 7}","typing":${this.sent % 2 === 0}}`));
        this.sent++;
      }
    }, 10);
    return { updaters: updaters.length };
  }

  stop(): { sent: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return { sent: this.sent };
  }
}
