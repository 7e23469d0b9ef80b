/**
 * Server-to-client WebSocket text frames built once and shared by every recipient.
 * Server frames are never masked and compression is off, so a frame is a header plus the payload.
 */

/**
 * A frame's header for `length` payload bytes, with room for `room` of them after it (all unless
 * the rest is written as further buffers); returns it and where the payload goes.
 */
function allocFrame(length: number, room = length): { frame: Buffer; at: number } {
  const at = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(at + room);
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
  return { frame, at };
}

export function encodeTextFrame(payload: Buffer): Buffer {
  const { frame, at } = allocFrame(payload.length);
  payload.copy(frame, at);
  return frame;
}

/** Serialize one server message into a ready-to-write frame (the JSON is written in place). */
export function encodeMessage(message: object): Buffer {
  return encodeJson(JSON.stringify(message));
}

/** A frame for JSON already serialized (or assembled from serialized parts). */
export function encodeJson(json: string): Buffer {
  const { frame, at } = allocFrame(Buffer.byteLength(json));
  frame.write(json, at);
  return frame;
}

/**
 * The start of a frame whose payload is `text` followed by `rest` bytes written after it as other
 * buffers (shared ones: a page of members every ack carries).
 */
export function encodeFrameStart(text: string, rest: number): Buffer {
  const bytes = Buffer.byteLength(text);
  const { frame, at } = allocFrame(bytes + rest, bytes);
  frame.write(text, at);
  return frame;
}

/** A close reason cut to the 123 bytes a close frame can carry. */
export function truncateReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}
