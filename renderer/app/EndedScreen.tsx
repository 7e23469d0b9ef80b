/**
 * The whole page when the hub has ended this session or refuses its token: kicked, banned, the
 * link expired, revoked, used up or not for this hub. Says why and offers a field for another link.
 */
import { useConnection, type Ending } from '../connection/connection-store.js';
import type { Refusal } from '../connection/refusal.js';
import { formatDateTime } from '../shared/format.js';
import { PasteLink } from './PasteLink.js';

export interface EndingText {
  title: string;
  detail: string;
  reason?: string;
}

const ASK_AGAIN = 'Ask whoever shared the dashboard for a new join link and paste it below.';

export function describeRefusal(r: Refusal): EndingText {
  const said = r.message || undefined;
  switch (r.reason) {
    case 'expired':
      return { title: 'Your link has expired', detail: ASK_AGAIN, reason: said };
    case 'banned':
      return {
        title: 'You are banned from this hub',
        detail: r.until
          ? `The ban ends ${formatDateTime(r.until)}; this page reconnects then.`
          : 'An administrator banned this account.',
        reason: r.banReason ?? said,
      };
    case 'revoked':
      return { title: 'Your link was revoked', detail: `An administrator withdrew it. ${ASK_AGAIN}`, reason: said };
    case 'used_up':
      return {
        title: 'This link has been used up',
        detail: `It was for a limited number of people, and they have all joined. ${ASK_AGAIN}`,
        reason: said,
      };
    case 'not_allowed':
      return {
        title: 'This link is not for this hub',
        detail: `It does not give access here. ${ASK_AGAIN}`,
        reason: said,
      };
    case 'invalid':
      return {
        title: 'This link is not valid',
        detail: `The hub could not read it: it may be cut short or changed. ${ASK_AGAIN}`,
        reason: said,
      };
  }
}

export function describeEnding(ending: Ending): EndingText {
  switch (ending.kind) {
    case 'refused':
      return describeRefusal(ending.refusal);
    case 'kicked':
      return {
        title: 'You were removed from this hub',
        detail: 'An administrator disconnected this session. It will not reconnect by itself.',
        reason: ending.reason,
      };
    case 'banned':
      return {
        title: 'You are banned from this hub',
        detail: ending.until
          ? `The ban ends ${formatDateTime(ending.until)}; this page reconnects then.`
          : 'An administrator banned this account.',
        reason: ending.reason,
      };
    case 'forbidden':
      return {
        title: 'Access refused',
        detail: 'This link does not give access to what was asked for.',
        reason: ending.reason,
      };
    case 'expired':
      return { title: 'Your link has expired', detail: ASK_AGAIN };
    case 'revoked':
      return { title: 'Your link was revoked', detail: `An administrator withdrew it. ${ASK_AGAIN}` };
    case 'signed-out':
      return { title: 'Signed out', detail: 'This tab no longer holds a token.' };
    case 'closed':
      return {
        title: 'Disconnected',
        detail: `The connection ended (${ending.code}) and will not be retried.`,
        reason: ending.reason,
      };
  }
}

export function EndedScreen({ ending, onPaste }: { ending: Ending; onPaste(text: string): boolean }) {
  const { title, detail, reason } = describeEnding(ending);
  const kind = ending.kind === 'refused' ? ending.refusal.reason : ending.kind;
  // `data-link`: whether the client behind this screen has stopped (it retries only to wait out a ban).
  const link = useConnection((s) => s.status);
  return (
    <main className="ended" data-testid="ended" data-kind={kind} data-link={link}>
      <div className="ended-card">
        <h1>{title}</h1>
        {reason ? (
          <p className="ended-reason">
            {kind === 'banned' || kind === 'kicked' ? 'Reason' : 'The hub says'}:{' '}
            <q data-testid="ended-reason">{reason}</q>
          </p>
        ) : null}
        <p className="muted">{detail}</p>
        <PasteLink onSubmit={onPaste} label="Paste another join link" autoFocus />
      </div>
    </main>
  );
}
