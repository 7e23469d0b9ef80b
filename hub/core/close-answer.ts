/**
 * A peer that never answers the hub's close frame is dropped after CLOSE_ANSWER_MS, not after ws's
 * 30 s: until then it would still be listed, counted and present in its rooms.
 */
import WebSocket from 'ws';

export const CLOSE_ANSWER_MS = 5000;

export function dropIfUnanswered(ws: WebSocket): void {
  setTimeout(terminateUnlessClosed, CLOSE_ANSWER_MS, ws).unref();
}

function terminateUnlessClosed(ws: WebSocket): void {
  if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
}
