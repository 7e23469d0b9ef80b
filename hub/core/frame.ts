/**
 * Server-to-client WebSocket text frames built once and shared by every recipient.
 * Server frames are never masked and compression is off, so a frame is a header plus the payload.
 */
export function encodeTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text opcode
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** Serialize one server message into a ready-to-write frame. */
export function encodeMessage(message: object): Buffer {
  return encodeTextFrame(Buffer.from(JSON.stringify(message)));
}
