/**
 * Minimal WebSocket frame parser for the load generator's receive path: no extensions, no UTF-8
 * validation. Frames whose bytes are all in one chunk are handed over as views, without copying,
 * so a payload is only valid during the handler call; the chunk's memory may be reused after
 * `push` returns (partial frames are copied aside).
 */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export class FrameError extends Error {
  constructor(
    readonly code: 'too_large' | 'bad_opcode' | 'bad_fragment',
    message: string,
  ) {
    super(message);
  }
}

/** Called once per complete message (data) or control frame; fragments are joined first. */
export type FrameHandler = (opcode: number, payload: Buffer) => void;

const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

export class FrameParser {
  private pending: Buffer | null = null;
  private fragments: Buffer[] = [];
  private fragmentOpcode = -1;

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly maxPayload = DEFAULT_MAX_PAYLOAD,
  ) {}

  /** Feed bytes as they arrive; throws FrameError on a stream that cannot be parsed. */
  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = buf.length;
    let off = 0;
    while (end - off >= 2) {
      const b0 = buf[off];
      const b1 = buf[off + 1];
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (end - off < 4) break;
        length = buf.readUInt16BE(off + 2);
        header = 4;
      } else if (length === 127) {
        if (end - off < 10) break;
        length = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
        header = 10;
      }
      if (length > this.maxPayload) throw new FrameError('too_large', `frame of ${length} bytes`);
      const masked = (b1 & 0x80) !== 0;
      if (masked) header += 4;
      if (end - off < header + length) break;
      let payload = buf.subarray(off + header, off + header + length);
      if (masked) payload = unmask(payload, buf.subarray(off + header - 4, off + header));
      off += header + length;
      this.frame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
    }
    this.pending = off < end ? Buffer.from(buf.subarray(off)) : null;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= Opcode.close) {
      if (opcode > Opcode.pong) throw new FrameError('bad_opcode', `opcode ${opcode}`);
      this.onFrame(opcode, payload);
      return;
    }
    if (opcode === Opcode.continuation) {
      if (this.fragmentOpcode < 0) throw new FrameError('bad_fragment', 'continuation without a start');
      this.fragments.push(Buffer.from(payload));
      if (fin) {
        const whole = Buffer.concat(this.fragments);
        const first = this.fragmentOpcode;
        this.fragments = [];
        this.fragmentOpcode = -1;
        this.onFrame(first, whole);
      }
      return;
    }
    if (opcode > Opcode.binary) throw new FrameError('bad_opcode', `opcode ${opcode}`);
    if (this.fragmentOpcode >= 0) throw new FrameError('bad_fragment', 'new message inside a fragmented one');
    if (fin) {
      this.onFrame(opcode, payload);
      return;
    }
    this.fragmentOpcode = opcode;
    this.fragments.push(Buffer.from(payload));
  }
}

function unmask(payload: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i] ^ key[i & 3];
  return out;
}

/** Close code and reason carried by a close frame's payload (1005: none given). */
export function readClose(payload: Buffer): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.toString('utf8', 2) };
}
