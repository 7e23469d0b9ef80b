/** Errors the SDK hands to the app: always a string `code`, and the close code when one applies. */
import type { ErrorCode } from '../protocol/index.js';

/** Failures that happen on the client side, next to the hub's own error codes. */
export type LocalErrorCode =
  /** No ack within `ackTimeoutMs`. */
  | 'timeout'
  /** The connection dropped after the request was sent: it may or may not have taken effect. */
  | 'connection_lost'
  /** More requests than `offlineQueueLimit` were waiting for a connection. */
  | 'offline_queue_full'
  /** The client was closed, or stopped reconnecting, before the request was answered. */
  | 'closed'
  /** `getToken` threw, or gave back the token the hub had just refused. */
  | 'token_unavailable'
  /** The connection closed with a code the app should hear about (1003, 1007, 1008, 1009 …). */
  | 'connection_closed'
  /** The hub refused the upgrade with an HTTP status (Node only: browsers cannot see it). */
  | 'handshake_refused'
  /** A frame from the hub that is not a JSON object with a `type`. */
  | 'bad_frame'
  /** An answer that does not fit the request it answers (a `pong` for a subscribe, an ack without its fields). */
  | 'bad_answer';

/**
 * `outcome_unknown`: the hub could not tell whether a publish was stored (its engine timed out);
 * the SDK retries with the same key. Named here too so the SDK understands hubs that send it.
 */
export type ClientErrorCode = ErrorCode | LocalErrorCode | 'outcome_unknown';

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** The WebSocket close code, for errors caused by a close. */
  readonly closeCode?: number;
  /** The room concerned, when there is one. */
  readonly room?: string;
  constructor(code: ClientErrorCode, message: string, extra: { closeCode?: number; room?: string } = {}) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    if (extra.closeCode !== undefined) this.closeCode = extra.closeCode;
    if (extra.room !== undefined) this.room = extra.room;
  }
}

/** The same error, naming the room it concerns (unless it already names one). */
export function withRoom(err: ClientError, room: string): ClientError {
  if (err.room !== undefined) return err;
  return new ClientError(err.code, err.message, { closeCode: err.closeCode, room });
}
