/**
 * A peer that never answers the hub's close frame is dropped after CLOSE_ANSWER_MS (a slow consumer
 * after its own grace), not after ws's 30 s: until then it would still be listed, counted and
 * present in its rooms.
 */
import WebSocket from 'ws';

export const CLOSE_ANSWER_MS = 5000;

export function dropIfUnanswered(ws: WebSocket, afterMs = CLOSE_ANSWER_MS): void {
  setTimeout(terminateUnlessClosed, afterMs, ws).unref();
}

function terminateUnlessClosed(ws: WebSocket): void {
  if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
}
