/**
 * What to do after a connection ends. The code-to-policy table is the protocol's (closePolicy);
 * this adds what only the client knows: a shutdown notice seen, a kick reason, an HTTP refusal.
 */
import { closePolicy, CloseCode, type ClosePolicy, type RefusalReason } from '../protocol/index.js';
import type { TokenRejection } from './connection-notes.js';
import { ClientError } from './errors.js';
import type { CloseInfo, StopCause } from './types.js';

/** How a connection ended, as the client observed it. */
export interface Ending extends CloseInfo {
  /** Status of a refused upgrade (visible in Node only; a browser sees 1006). */
  httpStatus?: number;
  /** `notice shutdown`'s reconnectAfterMs, when one arrived on this connection. */
  shutdownAfterMs?: number;
  /** Reason of a `notice kicked` / `notice banned` on this connection. */
  noticeReason?: string;
  /**
   * A ban's end (epoch ms): `notice banned`'s `until` on this connection, or the `until` of a
   * refused upgrade's JSON body. Always structured data, never read out of message text.
   */
  banUntil?: number;
  /** A refused upgrade's `Retry-After` (ms): when the hub expects to take us again (an outage passes). */
  retryAfterMs?: number;
  /** A refused upgrade's JSON body `reason`. */
  refusal?: RefusalReason;
  /** `notice token_rejected`'s reason on this connection: why the 4001 after it came. */
  tokenRejection?: TokenRejection;
}

/** Why the client stops: what its closed state will say. */
export interface Stop {
  code: number;
  reason: string;
  cause: StopCause;
  /** A ban's end, after which the client connects again (the contract's "stop until the ban ends"). */
  until?: number;
}

export type Decision =
  | ({ kind: 'stop' } & Stop)
  | { kind: 'backoff'; report: boolean }
  | { kind: 'now' }
  | { kind: 'after'; ms: number; report?: boolean }
  | { kind: 'new-token' };

/** Close codes the protocol says to report to the app (its fault or ours), then retry. */
const REPORTED = new Set<number>([
  CloseCode.unsupportedData,
  CloseCode.invalidPayload,
  CloseCode.policy,
  CloseCode.tooBig,
]);

/** Each code the protocol says to stop at: why, as data and as default text. */
const STOPS: Record<number, { cause: StopCause; reason: string }> = {
  [CloseCode.normal]: { cause: 'hub_closed', reason: 'closed by the hub' },
  [CloseCode.forbidden]: { cause: 'forbidden', reason: 'forbidden' },
  [CloseCode.kicked]: { cause: 'kicked', reason: 'kicked by an admin' },
  [CloseCode.banned]: { cause: 'banned', reason: 'banned' },
};

export function decideAfterClose(ending: Ending): Decision {
  if (ending.httpStatus !== undefined) return decideAfterRefusal(ending);
  const policy: ClosePolicy = closePolicy(ending.code);
  switch (policy) {
    case 'stop': {
      const stop = STOPS[ending.code] ?? { cause: 'hub_closed', reason: 'closed' };
      const reason = ending.reason || ending.noticeReason || stop.reason;
      // Without the notice's `until` the ban's end is unknown: then it is a stop for good.
      if (ending.code === CloseCode.banned && ending.banUntil !== undefined)
        return { kind: 'stop', code: ending.code, reason, cause: stop.cause, until: ending.banUntil };
      return { kind: 'stop', code: ending.code, reason, cause: stop.cause };
    }
    case 'resume-now':
      return { kind: 'now' };
    case 'resume-after-notice':
      // 1001 without a notice (e.g. a proxy going away) is an ordinary drop.
      return ending.shutdownAfterMs !== undefined
        ? { kind: 'after', ms: ending.shutdownAfterMs }
        : { kind: 'backoff', report: false };
    case 'new-token':
      return { kind: 'new-token' };
    case 'reconnect':
      return { kind: 'backoff', report: REPORTED.has(ending.code) };
  }
}

/** An upgrade refused before 101: the HTTP status says as much as a close code would. */
function decideAfterRefusal(ending: Ending): Decision {
  switch (ending.httpStatus) {
    case 401:
      return { kind: 'new-token' };
    case 403: {
      // Still banned when trying again (the ban was extended, or our clock is ahead of the hub's):
      // wait for the end the hub states. A browser cannot see this and backs off instead.
      const until = ending.banUntil;
      if (until !== undefined)
        return { kind: 'stop', code: CloseCode.banned, reason: ending.reason, cause: 'banned', until };
      const cause = ending.refusal === 'banned' ? 'banned' : 'forbidden';
      return { kind: 'stop', code: CloseCode.forbidden, reason: ending.reason || 'forbidden', cause };
    }
    default:
      // 503 with Retry-After (an engine outage): come back when the hub says, not after a backoff
      // grown through the outage. 429 (connection limits), 503 without it and the rest: later.
      if (ending.httpStatus === 503 && ending.retryAfterMs !== undefined) {
        return { kind: 'after', ms: ending.retryAfterMs, report: true };
      }
      return { kind: 'backoff', report: true };
  }
}

/** The error the app hears about a close that is retried but worth reporting, or null. */
export function closeReport(decision: Decision, ending: Ending): ClientError | null {
  if (!((decision.kind === 'backoff' || decision.kind === 'after') && decision.report)) return null;
  const code = ending.httpStatus !== undefined ? 'handshake_refused' : 'connection_closed';
  return new ClientError(code, `connection closed (${ending.code}): ${ending.reason}`, { closeCode: ending.code });
}

/**
 * Why a rejected token (4001, or an upgrade refused with 401) stops the client: expired, revoked or
 * else. Only structured data says which (the notice before the close, the refusal body's `reason`);
 * a 4001 without a notice is `token_rejected`, whatever its text says.
 */
export function tokenCause(ending: Ending): StopCause {
  const why = ending.httpStatus !== undefined ? ending.refusal : ending.tokenRejection;
  return why === 'expired' ? 'token_expired' : why === 'revoked' ? 'token_revoked' : 'token_rejected';
}
