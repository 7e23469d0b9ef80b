/**
 * What the hub said on the current connection that matters when it closes: a shutdown's wait, a
 * kick's or ban's reason, a ban's end. The close policy reads them beside the close code.
 */
import type { NoticeMessage } from '../protocol/index.js';

export interface ConnectionNotes {
  shutdownAfterMs?: number;
  noticeReason?: string;
  banUntil?: number;
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
  }
}
