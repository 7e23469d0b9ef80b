/**
 * Reading from a peer pauses while its own answers back up (acks, errors, pongs it has not taken),
 * so TCP slows a client that sends faster than it reads instead of its queue overflowing into a
 * 4008; reading resumes when its socket drains. The cap still applies while paused: fan-out that
 * takes it past the cap closes it with 4008 as before.
 *
 * The paused peers are kept by socket, so the one shared 'drain' listener finds its peer and an
 * idle connection carries nothing for this.
 */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Outbox } from './outbox.js';

export interface ReadingPeer {
  readonly socket: Duplex;
  readonly outbox: Outbox;
  readonly isOpen: boolean;
  /** Its socket drained while paused: the peer has taken everything it was sent. */
  drained(): void;
}

const pausedReaders = new WeakMap<Duplex, ReadingPeer>();

function onPausedSocketDrain(this: Duplex): void {
  pausedReaders.get(this)?.drained();
}

/**
 * Reading stops past half the queue cap. Half, because what is already in hand when it stops —
 * the rest of the chunk being parsed, answers to requests still being handled, fan-out from
 * others — must still fit under the cap rather than close the connection with 4008.
 */
export function readPauseBytes(maxQueuedBytes: number): number {
  return maxQueuedBytes / 2;
}

export function isReadingPaused(peer: ReadingPeer): boolean {
  return pausedReaders.has(peer.socket);
}

/** After each inbound frame: pause if the peer's answers back up past `pauseBytes`. */
export function pauseReadingIfBacklogged(peer: ReadingPeer, ws: WebSocket, pauseBytes: number): void {
  if (peer.outbox.pendingBytes <= pauseBytes || !peer.isOpen || isReadingPaused(peer)) return;
  // Written now, so that the socket says whether the peer is behind: only then is a 'drain' owed.
  peer.outbox.flush();
  const socket = peer.socket;
  if (!peer.isOpen || !socket.writableNeedDrain) return;
  pausedReaders.set(socket, peer);
  socket.on('drain', onPausedSocketDrain);
  ws.pause();
}

/** Read from the peer again (no-op unless paused). */
export function resumeReading(peer: ReadingPeer, ws: WebSocket): void {
  const socket = peer.socket;
  if (!pausedReaders.delete(socket)) return;
  socket.off('drain', onPausedSocketDrain);
  ws.resume();
}
