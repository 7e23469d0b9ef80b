/**
 * The bench's own minimal framing reads exactly what RFC 6455 allows (every length class, split
 * chunks, fragments, masks, close frames) and refuses what it cannot follow, so load figures never
 * rest on a misread frame.
 */
import { describe, expect, it } from 'vitest';
import { FrameError, FrameParser, Opcode, readClose } from '../bench/wire/frame-parser.js';
import { encodeClientClose, encodeClientFrame, encodeClientText } from '../bench/wire/frame-encoder.js';
import { acceptFor, buildUpgradeRequest, parseUpgradeResponse } from '../bench/wire/handshake.js';

type Frame = [opcode: number, text: string];

function collect(): { parser: FrameParser; frames: Frame[] } {
  const frames: Frame[] = [];
  // Payloads are views valid only during the call: copy them out as text right away.
  const parser = new FrameParser((opcode, payload) => frames.push([opcode, payload.toString('latin1')]));
  return { parser, frames };
}

const bytes = (...parts: Array<number[] | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('bench frame parser', () => {
  it('reads an unmasked text frame with a 7-bit length', () => {
    const { parser, frames } = collect();
    parser.push(bytes([0x81, 0x05], 'hello'));
    expect(frames).toEqual([[Opcode.text, 'hello']]);
    expect(parser.buffered).toBe(0);
  });

  it('reads 16-bit and 64-bit lengths', () => {
    const { parser, frames } = collect();
    const mid = 'a'.repeat(300);
    const big = 'b'.repeat(70_000);
    parser.push(bytes([0x81, 126, 0x01, 0x2c], mid));
    parser.push(bytes([0x81, 127, 0, 0, 0, 0, 0x00, 0x01, 0x11, 0x70], big));
    expect(frames.map(([op, t]) => [op, t.length])).toEqual([
      [Opcode.text, 300],
      [Opcode.text, 70_000],
    ]);
  });

  it('reads several frames from one chunk and one frame split at every byte', () => {
    const stream = bytes(
      [0x81, 0x02],
      'hi',
      [0x81, 126, 0x00, 0x80],
      'x'.repeat(128),
      [0x89, 0x00],
      [0x81, 0x03],
      'end',
    );
    const whole = collect();
    whole.parser.push(stream);
    expect(whole.frames.map((f) => f[0])).toEqual([Opcode.text, Opcode.text, Opcode.ping, Opcode.text]);
    for (let cut = 1; cut < stream.length; cut++) {
      const split = collect();
      split.parser.push(Buffer.from(stream.subarray(0, cut)));
      split.parser.push(Buffer.from(stream.subarray(cut)));
      expect(split.frames).toEqual(whole.frames);
    }
    const dribble = collect();
    for (const b of stream) dribble.parser.push(Buffer.from([b]));
    expect(dribble.frames).toEqual(whole.frames);
  });

  it('keeps a partial frame safe when the chunk memory is reused', () => {
    const { parser, frames } = collect();
    const shared = Buffer.alloc(8);
    bytes([0x81, 0x05], 'hel').copy(shared);
    parser.push(shared.subarray(0, 5));
    shared.fill(0x21); // the next read overwrites the shared buffer
    Buffer.from('lo').copy(shared);
    parser.push(shared.subarray(0, 2));
    expect(frames).toEqual([[Opcode.text, 'hello']]);
  });

  it('unmasks a masked frame', () => {
    const { parser, frames } = collect();
    const key = [0x37, 0xfa, 0x21, 0x3d];
    const masked = [...Buffer.from('Hello')].map((b, i) => b ^ key[i % 4]);
    parser.push(bytes([0x81, 0x85], key, masked));
    expect(frames).toEqual([[Opcode.text, 'Hello']]);
  });

  it('joins a fragmented message and passes control frames in between', () => {
    const { parser, frames } = collect();
    parser.push(bytes([0x01, 0x03], 'Hel', [0x89, 0x01], 'p', [0x80, 0x02], 'lo'));
    expect(frames).toEqual([
      [Opcode.ping, 'p'],
      [Opcode.text, 'Hello'],
    ]);
  });

  it('reads the close code and reason', () => {
    expect(readClose(bytes([0x0f, 0xa8], 'slow consumer'))).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(readClose(Buffer.alloc(0))).toEqual({ code: 1005, reason: '' });
  });

  it('refuses streams it cannot follow', () => {
    expect(() => collect().parser.push(bytes([0x80, 0x00]))).toThrow(FrameError);
    expect(() => collect().parser.push(bytes([0x83, 0x00]))).toThrow(/opcode 3/);
    const fragmented = collect();
    expect(() => fragmented.parser.push(bytes([0x01, 0x01], 'a', [0x81, 0x01], 'b'))).toThrow(/fragmented/);
    const small = new FrameParser(() => {}, 10);
    expect(() => small.push(bytes([0x81, 0x0b], 'hello world'))).toThrow(/11 bytes/);
  });
});

describe('bench client frames', () => {
  it('masks with the all-zero key so the payload is sent as is', () => {
    expect([...encodeClientText('hi')]).toEqual([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69]);
    const mid = encodeClientFrame(Opcode.text, Buffer.alloc(200, 0x61));
    expect([...mid.subarray(0, 8)]).toEqual([0x81, 0xfe, 0x00, 0xc8, 0, 0, 0, 0]);
    expect(mid.length).toBe(208);
    expect([...encodeClientClose(1000)]).toEqual([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
  });

  it('round-trips through the parser', () => {
    const { parser, frames } = collect();
    parser.push(
      Buffer.concat([encodeClientText('{"type":"ping"}'), encodeClientFrame(Opcode.text, Buffer.alloc(70_000, 0x7a))]),
    );
    expect(frames[0]).toEqual([Opcode.text, '{"type":"ping"}']);
    expect(frames[1][1].length).toBe(70_000);
  });
});

describe('bench upgrade handshake', () => {
  it('computes the accept value of the RFC 6455 example', () => {
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('writes the request with the given headers', () => {
    const { request, expectedAccept } = buildUpgradeRequest('127.0.0.1:7420', '/ws', {
      'Sec-WebSocket-Protocol': 'insight.v1',
    });
    const text = request.toString();
    expect(text.startsWith('GET /ws HTTP/1.1\r\nHost: 127.0.0.1:7420\r\n')).toBe(true);
    expect(text).toContain('Sec-WebSocket-Protocol: insight.v1\r\n');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    const key = /Sec-WebSocket-Key: (\S+)/.exec(text)![1];
    expect(expectedAccept).toBe(acceptFor(key));
  });

  it('parses 101 with frames behind it, refusals, and waits for the whole head', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: abc=\r\n\r\n';
    expect(parseUpgradeResponse(Buffer.from(head.slice(0, 40)))).toEqual({ kind: 'incomplete' });
    const ok = parseUpgradeResponse(Buffer.concat([Buffer.from(head), Buffer.from([0x81, 0x00])]));
    expect(ok.kind).toBe('response');
    if (ok.kind !== 'response') return;
    expect(ok.status).toBe(101);
    expect(ok.headers.get('sec-websocket-accept')).toBe('abc=');
    expect([...ok.rest]).toEqual([0x81, 0x00]);
    const refused = parseUpgradeResponse(Buffer.from('HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}'));
    expect(refused.kind === 'response' && refused.status).toBe(401);
    expect(parseUpgradeResponse(Buffer.from('SSH-2.0\r\n\r\n')).kind).toBe('invalid');
  });
});
