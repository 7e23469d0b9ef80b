/**
 * Per-recipient send queue on the hot path. Frames are queued and each recipient's queue is written
 * once per event-loop turn (cork/uncork → one writev), not one syscall per message. A recipient
 * whose socket still holds more than the cap after a write — bytes the peer has not taken — is
 * reported as a slow consumer; nobody else waits for it.
 */
import type { Duplex } from 'node:stream';

/**
 * Frames queued within one turn are shared buffers (the same frame for every recipient), so a
 * burst costs little memory; this bound only stops a runaway turn.
 */
const TURN_BURST_FACTOR = 8;

/** Told once when its outbox overflows (an object, not a callback: no closure per connection). */
export interface OverflowListener {
  onOverflow(): void;
}

export class Outbox {
  /** Frames queued this turn; null while none are (an idle connection holds no array). */
  private frames: Buffer[] | null = null;
  private bytes = 0;
  private overflowed = false;
  bytesSent = 0;
  /** Frames queued for this peer: all written unless its connection went away first. */
  framesSent = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly capBytes: number,
    private readonly scheduler: FlushScheduler,
    private readonly owner: OverflowListener,
  ) {}

  /** Bytes waiting here plus bytes the socket has not handed to the kernel yet. */
  get pendingBytes(): number {
    return this.bytes + this.socket.writableLength;
  }

  push(frame: Buffer): void {
    if (!this.admits(frame.length)) return;
    if (this.frames === null) {
      this.frames = [frame];
      this.scheduler.schedule(this);
    } else {
      this.frames.push(frame);
    }
    this.bytes += frame.length;
    this.framesSent++;
  }

  /**
   * One frame given as consecutive buffers (a head, a page of members every ack shares, an end):
   * queued together in one turn, written in one writev, counted as one frame.
   */
  pushParts(parts: readonly Buffer[]): void {
    let length = 0;
    for (const part of parts) length += part.length;
    if (!this.admits(length)) return;
    if (this.frames === null) {
      this.frames = [...parts];
      this.scheduler.schedule(this);
    } else {
      this.frames.push(...parts);
    }
    this.bytes += length;
    this.framesSent++;
  }

  /** A socket already over the cap is not read; a turn's queue past the burst bound is runaway. */
  private admits(length: number): boolean {
    if (this.overflowed) return false;
    if (this.socket.writableLength > this.capBytes || this.bytes + length > this.capBytes * TURN_BURST_FACTOR) {
      this.overflow();
      return false;
    }
    return true;
  }

  flush(): void {
    const frames = this.frames;
    if (frames === null) return;
    this.frames = null;
    this.bytesSent += this.bytes;
    this.bytes = 0;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (frames.length === 1) {
      socket.write(frames[0]);
    } else {
      socket.cork();
      for (const frame of frames) socket.write(frame);
      socket.uncork();
    }
    // What the kernel did not take is what the peer has not read: past the cap, it is slow.
    if (socket.writableLength > this.capBytes) this.overflow();
  }

  /**
   * A connection's first frame, written at once. No slow-consumer check: what the socket holds now
   * is the handshake's own reply, which the peer has had no chance to read yet.
   */
  writeFirst(frame: Buffer): void {
    this.bytesSent += frame.length;
    this.framesSent++;
    this.socket.write(frame);
  }

  /** Report this recipient as a slow consumer now (held replay frames passed the cap). */
  overflowNow(): void {
    this.overflow();
  }

  private overflow(): void {
    if (this.overflowed) return;
    this.overflowed = true;
    this.frames = null;
    this.bytes = 0;
    this.owner.onOverflow();
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
    this.frames = null;
    this.bytes = 0;
  }
}

/** Flushes every outbox that received frames during this turn, once, on setImmediate. */
export class FlushScheduler {
  private dirty: Outbox[] = [];
  private scheduled = false;

  /** `onError`: an outbox whose flush threw; the others are still flushed. */
  constructor(private readonly onError: (err: unknown) => void = rethrowLater) {}

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
    for (const outbox of dirty) {
      try {
        outbox.flush();
      } catch (err) {
        this.onError(err);
      }
    }
  };
}

/** Without a handler a failed flush stays an uncaught error, after the other outboxes are flushed. */
function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
