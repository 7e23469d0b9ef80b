/** Opening a connection fails for good (a Stop, not a retry) when no URL or implementation can work. */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dial, webSocketImpl } from '../../hub/client/dial.js';
import type { WebSocketConstructor } from '../../hub/client/types.js';

const ignore = { open: () => undefined, frame: () => undefined, end: () => undefined };

describe('dialling a hub', () => {
  it('stops with cannot_connect on a malformed URL, naming it', () => {
    expect(dial(WebSocket as unknown as WebSocketConstructor, 'not a url', 't', ignore, 1000)).toMatchObject({
      code: 1006,
      cause: 'cannot_connect',
      reason: expect.stringMatching(/^cannot open not a url: /),
    });
  });

  it('uses the WebSocket it is given', async () => {
    const given = WebSocket as unknown as WebSocketConstructor;
    expect(await webSocketImpl(given)).toBe(given);
  });
});
