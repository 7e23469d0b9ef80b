/**
 * Dead-connection detection from the client side. Browsers cannot see WebSocket pings, so the
 * client sends an application `ping` every period; any frame from the hub proves it is alive. A
 * period that ends with the previous ping still unanswered and nothing else heard means dead.
 */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private heard = true;

  constructor(
    private readonly periodMs: number,
    private readonly sendPing: () => void,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.heard = true;
    if (!Number.isFinite(this.periodMs) || this.periodMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.periodMs);
  }

  /** Call for every frame received. */
  alive(): void {
    this.heard = true;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (!this.heard) {
      this.stop();
      this.onDead();
      return;
    }
    this.heard = false;
    this.sendPing();
  }
}
