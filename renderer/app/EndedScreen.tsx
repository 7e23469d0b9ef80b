/** The whole page when the hub has ended this session for good: kicked, banned, or the link expired. */
import type { Ending } from '../connection/connection-store.js';
import { formatDateTime } from '../shared/format.js';

export function describeEnding(ending: Ending): { title: string; detail: string; reason?: string } {
  switch (ending.kind) {
    case 'kicked':
      return { title: 'You were removed from this hub', detail: 'An administrator disconnected this session. It will not reconnect by itself.', reason: ending.reason };
    case 'banned':
      return {
        title: 'You are banned from this hub',
        detail: ending.until ? `The ban ends ${formatDateTime(ending.until)}; this page reconnects then.` : 'An administrator banned this account.',
        reason: ending.reason,
      };
    case 'forbidden':
      return { title: 'Access refused', detail: 'This link does not give access to what was asked for.', reason: ending.reason };
    case 'expired':
      return {
        title: /revoked/i.test(ending.reason) ? 'Your link was revoked' : 'Your link has expired',
        detail: 'Ask whoever shared the dashboard for a new join link.',
        reason: ending.reason,
      };
    case 'signed-out':
      return { title: 'Signed out', detail: 'This tab no longer holds a token.' };
    case 'closed':
      return { title: 'Disconnected', detail: `The connection ended (${ending.code}) and will not be retried.`, reason: ending.reason };
  }
}

export function EndedScreen({ ending, onUseAnotherLink }: { ending: Ending; onUseAnotherLink(): void }) {
  const { title, detail, reason } = describeEnding(ending);
  return (
    <main className="ended" data-testid="ended" data-kind={ending.kind}>
      <div className="ended-card">
        <h1>{title}</h1>
        {reason ? (
          <p className="ended-reason">
            Reason: <q data-testid="ended-reason">{reason}</q>
          </p>
        ) : null}
        <p className="muted">{detail}</p>
        <button type="button" onClick={onUseAnotherLink}>
          Use another link
        </button>
      </div>
    </main>
  );
}
