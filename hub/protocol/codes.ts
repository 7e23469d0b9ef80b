/** Close codes and error codes of protocol v1. One place maps each failure to its answer. */

export const SUBPROTOCOL = 'insight.v1';
export const BEARER_PREFIX = 'bearer.';
export const PROTOCOL_VERSION = 1;

export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  overloaded: 1013,
  tokenInvalid: 4001,
  forbidden: 4003,
  kicked: 4004,
  banned: 4005,
  slowConsumer: 4008,
  rateLimited: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** A close as the peer sees it: the code and its reason text (at most 123 bytes on the wire). */
export interface CloseWhy {
  code: CloseCode;
  reason: string;
}

/**
 * Each close the hub or the SDK makes for a fixed reason, its code beside its text (protocol.md,
 * Close codes). Kick and ban carry the admin's reason instead: `{ code: CloseCode.kicked, reason }`.
 * The texts are for people: what a client acts on is the code and the notice before the close
 * (4001's cause is in `notice token_rejected`).
 */
export const CloseReason = {
  clientClosed: { code: CloseCode.normal, reason: 'client closed' },
  shuttingDown: { code: CloseCode.goingAway, reason: 'hub shutting down' },
  goingToSleep: { code: CloseCode.goingAway, reason: 'hub going to sleep' },
  binaryFrame: { code: CloseCode.unsupportedData, reason: 'binary frames are not supported' },
  protocolErrors: { code: CloseCode.policy, reason: 'too many protocol errors' },
  tokenExpired: { code: CloseCode.tokenInvalid, reason: 'token expired' },
  tokenRevoked: { code: CloseCode.tokenInvalid, reason: 'token revoked' },
  slowConsumer: { code: CloseCode.slowConsumer, reason: 'slow consumer: send queue overflowed' },
  rateLimited: { code: CloseCode.rateLimited, reason: 'rate limit exceeded' },
} as const satisfies Record<string, CloseWhy>;

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'too_large',
  'conflict',
  'internal',
  'unavailable',
  /** The engine did not answer in time: the request may or may not have taken effect. */
  'outcome_unknown',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each error code, used by REST routes and upgrade refusals. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  outcome_unknown: 504,
};

/** A failure with a protocol error code; thrown inside the hub, answered as `error` or HTTP. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.status = status ?? HTTP_STATUS[code];
  }
}

/** What the client SDK does after each close code (protocol.md, Close codes). */
export type ClosePolicy = 'stop' | 'reconnect' | 'resume-now' | 'resume-after-notice' | 'new-token';

export function closePolicy(code: number): ClosePolicy {
  switch (code) {
    case CloseCode.normal:
    case CloseCode.forbidden:
    case CloseCode.kicked:
    case CloseCode.banned:
      return 'stop';
    case CloseCode.goingAway:
      return 'resume-after-notice';
    case CloseCode.slowConsumer:
      return 'resume-now';
    case CloseCode.tokenInvalid:
      return 'new-token';
    default:
      return 'reconnect';
  }
}
