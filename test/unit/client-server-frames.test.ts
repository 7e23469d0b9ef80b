/**
 * The SDK reads a server frame only when it is a JSON object with a string `type`; anything else is
 * refused (the client reports bad_frame) rather than acted on.
 */
import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../../hub/client/server-frames.js';

describe('parseServerMessage', () => {
  it('reads a JSON object with a string type', () => {
    expect(parseServerMessage('{"type":"pong","time":1}')).toEqual({ type: 'pong', time: 1 });
  });

  it('refuses what is not a protocol message (the client reports bad_frame)', () => {
    for (const frame of [new Uint8Array([123, 125]), 'not json', '[1,2]', 'null', '"welcome"', '{}', '{"type":7}']) {
      expect(parseServerMessage(frame), String(frame)).toBeUndefined();
    }
  });
});
