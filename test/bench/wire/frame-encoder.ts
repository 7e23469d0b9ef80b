/**
 * Client-to-server frames. Clients must mask; the load generator uses the all-zero key, which the
 * protocol allows, so the payload goes out unchanged and sending costs no XOR pass.
 */
import { Opcode } from './frame-parser.js';

export function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const header = 2 + lengthBytes + 4;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.writeUInt32BE(0, header - 4); // mask key 0
  payload.copy(frame, header);
  return frame;
}

export function encodeClientText(text: string): Buffer {
  return encodeClientFrame(Opcode.text, Buffer.from(text));
}

export function encodeClientClose(code = 1000): Buffer {
  const body = Buffer.allocUnsafe(2);
  body.writeUInt16BE(code, 0);
  return encodeClientFrame(Opcode.close, body);
}
