/**
 * A live connection whose token the hub no longer takes (expired, or revoked by an admin). Why is
 * sent as data first (`notice token_rejected`), as kick and ban do: 4001 and its text are the same
 * kind of close for both, and a client must not read the cause out of the text.
 */
import { CloseReason, type NoticeMessage } from '../protocol/index.js';
import type { Session } from './session.js';

export type TokenRejection = Extract<NoticeMessage, { event: 'token_rejected' }>['reason'];

const CLOSES = { expired: CloseReason.tokenExpired, revoked: CloseReason.tokenRevoked } as const;

export function endForToken(s: Session, reason: TokenRejection): void {
  s.send({ type: 'notice', event: 'token_rejected', reason });
  s.end(CLOSES[reason]);
}
