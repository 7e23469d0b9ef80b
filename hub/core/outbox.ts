/**
 * Per-recipient send queue on the hot path. Frames are queued and each recipient's queue is written
 * once per event-loop turn (cork/uncork → one writev), not one syscall per message. A recipient
 * whose pending bytes pass the cap is reported as a slow consumer; nobody else waits for it.
 */
import type { Duplex } from 'node:stream';

export class Outbox {
  private frames: Buffer[] = [];
  private bytes = 0;
  private overflowed = false;
  bytesSent = 0;
  framesSent = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly capBytes: number,
    private readonly scheduler: FlushScheduler,
    private readonly onOverflow: () => void,
  ) {}

  /** Bytes waiting here plus bytes the socket has not handed to the kernel yet. */
  get pendingBytes(): number {
    return this.bytes + this.socket.writableLength;
  }

  push(frame: Buffer): void {
    if (this.overflowed) return;
    if (this.bytes + this.socket.writableLength + frame.length > this.capBytes) {
      this.overflowed = true;
      this.frames = [];
      this.bytes = 0;
      this.onOverflow();
      return;
    }
    if (this.frames.length === 0) this.scheduler.schedule(this);
    this.frames.push(frame);
    this.bytes += frame.length;
  }

  flush(): void {
    const frames = this.frames;
    if (frames.length === 0) return;
    this.frames = [];
    this.bytesSent += this.bytes;
    this.framesSent += frames.length;
    this.bytes = 0;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (frames.length === 1) {
      socket.write(frames[0]!);
      return;
    }
    socket.cork();
    for (const frame of frames) socket.write(frame);
    socket.uncork();
  }

  /**
   * Write what is queued, then wait while the socket holds more than `bytes` and still owes a
   * 'drain' (a replay paces itself by this, so history never counts as a slow consumer).
   */
  async drainBelow(bytes: number): Promise<void> {
    this.flush();
    const socket = this.socket;
    while (this.pendingBytes > bytes && socket.writableNeedDrain && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }

  /** Drop anything queued (the connection is going away). */
  discard(): void {
    this.frames = [];
    this.bytes = 0;
  }
}

/** Flushes every outbox that received frames during this turn, once, on setImmediate. */
export class FlushScheduler {
  private dirty: Outbox[] = [];
  private scheduled = false;

  schedule(outbox: Outbox): void {
    this.dirty.push(outbox);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAll);
    }
  }

  readonly flushAll = (): void => {
    this.scheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    for (const outbox of dirty) outbox.flush();
  };
}
