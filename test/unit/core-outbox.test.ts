/**
 * Outbox and FlushScheduler: each recipient's frames are written once per event-loop turn (one
 * writev), a recipient past the queued-bytes cap is reported once, and a replay can wait for drain.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FlushScheduler, Outbox } from '../../hub/core/outbox.js';

/** A socket stand-in that records writes; `hold` keeps write callbacks pending (a peer not reading). */
class FakeSocket extends Duplex {
  readonly batches: Buffer[][] = [];
  private held: Array<() => void> = [];
  hold = false;

  constructor() {
    super({ highWaterMark: 1024 });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.batches.push([chunk]);
    if (this.hold) this.held.push(() => cb());
    else cb();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.batches.push(chunks.map((c) => c.chunk));
    if (this.hold) this.held.push(() => cb());
    else cb();
  }

  /** The peer reads again: complete every pending write. */
  release(): void {
    this.hold = false;
    const held = this.held;
    this.held = [];
    for (const cb of held) cb();
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const frame = (n: number, fill = 0x61): Buffer => Buffer.alloc(n, fill);

describe('Outbox', () => {
  it('writes a frame given in parts as one frame, in order among the others', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    outbox.push(frame(4, 0x31));
    outbox.pushParts([frame(3, 0x32), frame(6, 0x33), frame(2, 0x34)]);
    outbox.push(frame(4, 0x35));
    await turn();
    expect(socket.batches).toHaveLength(1);
    expect(socket.batches[0]!.map((b) => b[0])).toEqual([0x31, 0x32, 0x33, 0x34, 0x35]);
    expect(outbox.framesSent).toBe(3);
    expect(outbox.bytesSent).toBe(19);
  });

  it('counts a frame in parts whole against the cap', () => {
    let overflows = 0;
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, 1000, new FlushScheduler(), { onOverflow: () => overflows++ });
    outbox.pushParts([frame(4000), frame(4001)]);
    expect(overflows).toBe(1);
  });

  it('writes the frames of one turn together, in order, once', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    outbox.push(frame(10, 0x31));
    outbox.push(frame(10, 0x32));
    outbox.push(frame(10, 0x33));
    expect(socket.batches).toHaveLength(0);
    await turn();
    expect(socket.batches).toHaveLength(1);
    expect(socket.batches[0]!.map((b) => b[0])).toEqual([0x31, 0x32, 0x33]);
    expect(outbox.framesSent).toBe(3);
    expect(outbox.bytesSent).toBe(30);
    outbox.push(frame(5));
    await turn();
    expect(socket.batches).toHaveLength(2);
  });

  it('flushes many recipients in the same turn from one scheduler', async () => {
    const scheduler = new FlushScheduler();
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const outboxes = sockets.map((s) => new Outbox(s, 1 << 20, scheduler, { onOverflow: () => {} }));
    const shared = frame(20);
    for (let i = 0; i < 4; i++) for (const o of outboxes) o.push(shared);
    await turn();
    for (const s of sockets) {
      expect(s.batches).toHaveLength(1);
      expect(s.batches[0]).toHaveLength(4);
      // The same buffer for every recipient: serialized once.
      expect(s.batches[0]![0]).toBe(shared);
    }
  });

  it('reports a recipient whose socket holds more than the cap once, and ignores it afterwards', async () => {
    const socket = new FakeSocket();
    socket.hold = true;
    let overflows = 0;
    const outbox = new Outbox(socket, 5000, new FlushScheduler(), { onOverflow: () => overflows++ });
    for (let i = 0; i < 5; i++) outbox.push(frame(1000));
    await turn(); // 5000 bytes now sit in the socket unread: exactly the cap is still fine
    expect(outbox.pendingBytes).toBe(5000);
    expect(overflows).toBe(0);
    outbox.push(frame(1)); // one byte over once written
    await turn();
    expect(overflows).toBe(1);
    outbox.push(frame(1));
    outbox.push(frame(1));
    await turn();
    expect(overflows).toBe(1);
    // Nothing pushed after the overflow reached the socket.
    expect(outbox.pendingBytes).toBe(5001);
  });

  it('lets a burst larger than the cap through to a reader that keeps up', async () => {
    const socket = new FakeSocket();
    let overflows = 0;
    const outbox = new Outbox(socket, 5000, new FlushScheduler(), { onOverflow: () => overflows++ });
    for (let i = 0; i < 20; i++) outbox.push(frame(1000));
    await turn();
    expect(overflows).toBe(0);
    expect(socket.batches.flat()).toHaveLength(20);
  });

  it('treats a runaway turn (far past the cap before any write) as a slow consumer', () => {
    const socket = new FakeSocket();
    let overflows = 0;
    const outbox = new Outbox(socket, 1000, new FlushScheduler(), { onOverflow: () => overflows++ });
    for (let i = 0; i < 100 && overflows === 0; i++) outbox.push(frame(1000));
    expect(overflows).toBe(1);
  });

  it('does not let a fast recipient be affected by a slow one', async () => {
    const scheduler = new FlushScheduler();
    const slow = new FakeSocket();
    slow.hold = true;
    const fast = new FakeSocket();
    let slowOverflow = 0;
    let fastOverflow = 0;
    const slowBox = new Outbox(slow, 3000, scheduler, { onOverflow: () => slowOverflow++ });
    const fastBox = new Outbox(fast, 3000, scheduler, { onOverflow: () => fastOverflow++ });
    for (let i = 0; i < 10; i++) {
      slowBox.push(frame(1000));
      fastBox.push(frame(1000));
      await turn();
    }
    expect(slowOverflow).toBe(1);
    expect(fastOverflow).toBe(0);
    expect(fast.batches.flat()).toHaveLength(10);
  });

  it('discard() drops what is queued; nothing is written to a destroyed socket', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    outbox.push(frame(10));
    outbox.discard();
    await turn();
    expect(socket.batches).toHaveLength(0);
    outbox.push(frame(10));
    socket.destroy();
    await turn();
    expect(socket.batches).toHaveLength(0);
  });

  it('drainBelow() writes what is queued and waits until the socket has drained', async () => {
    const socket = new FakeSocket();
    socket.hold = true;
    const outbox = new Outbox(socket, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    for (let i = 0; i < 5; i++) outbox.push(frame(1000));
    let drained = false;
    const waiting = outbox.drainBelow(100).then(() => (drained = true));
    await turn();
    expect(socket.batches.flat()).toHaveLength(5);
    expect(drained).toBe(false);
    socket.release();
    await waiting;
    expect(outbox.pendingBytes).toBe(0);
  });

  it('drainBelow() returns at once when little is pending, and when the socket closes', async () => {
    const socket = new FakeSocket();
    const outbox = new Outbox(socket, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    outbox.push(frame(10));
    await outbox.drainBelow(100);
    const stuck = new FakeSocket();
    stuck.hold = true;
    const box = new Outbox(stuck, 1 << 20, new FlushScheduler(), { onOverflow: () => {} });
    box.push(frame(5000));
    const waiting = box.drainBelow(0);
    await turn();
    stuck.destroy();
    await waiting;
  });
});
