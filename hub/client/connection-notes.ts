/**
 * What the hub said on the current connection that matters when it closes: a shutdown's wait, a
 * kick's or ban's reason, a ban's end, why a token was rejected. The close policy reads them
 * beside the close code.
 */
import type { NoticeMessage } from '../protocol/index.js';

export type TokenRejection = Extract<NoticeMessage, { event: 'token_rejected' }>['reason'];

export interface ConnectionNotes {
  shutdownAfterMs?: number;
  noticeReason?: string;
  banUntil?: number;
  /** `notice token_rejected`'s reason: the cause of the 4001 that follows it. */
  tokenRejection?: TokenRejection;
}

export function noteNotice(notes: ConnectionNotes, notice: NoticeMessage): void {
  switch (notice.event) {
    case 'shutdown':
      notes.shutdownAfterMs = notice.reconnectAfterMs;
      break;
    case 'kicked':
      notes.noticeReason = notice.reason;
      break;
    case 'banned':
      notes.noticeReason = notice.reason;
      if (typeof notice.until === 'number' && Number.isFinite(notice.until)) notes.banUntil = notice.until;
      break;
    case 'token_rejected':
      // Only the protocol's values: anything else leaves the 4001 a plain `token_rejected`.
      if (notice.reason === 'expired' || notice.reason === 'revoked') notes.tokenRejection = notice.reason;
      break;
  }
}
