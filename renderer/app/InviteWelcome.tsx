/**
 * Opening an invite link: who are you? The name is remembered by this browser, and the invite
 * is exchanged for a personal token, so colleagues on one link are different people to the hub.
 */
import { useState, type FormEvent } from 'react';
import { readTokenClaims } from '../connection/token-claims.js';
import { cleanDisplayName, MAX_DISPLAY_NAME } from '../connection/invite-redeem.js';
import { formatDateTime } from '../shared/format.js';
import { reportRejection } from '../shared/report-rejection.js';

export function InviteWelcome({
  invite,
  initialName,
  onJoin,
}: {
  invite: string;
  initialName: string;
  onJoin(name: string): Promise<string | null>;
}) {
  const claims = readTokenClaims(invite);
  const [name, setName] = useState(initialName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const clean = cleanDisplayName(name);
  const rooms = (claims?.rooms ?? []).filter((r) => !r.startsWith('user:'));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!clean || busy) return;
    setBusy(true);
    setError(null);
    const problem = await onJoin(clean);
    // On success this screen is gone; only a problem comes back here.
    if (problem) {
      setError(problem);
      setBusy(false);
    }
  };
  const failed = (message: string): void => {
    setError(message);
    setBusy(false);
  };

  return (
    <main className="gate">
      <form className="gate-card" onSubmit={(e) => reportRejection(submit(e), failed)} data-testid="invite-welcome">
        <h1>You are invited</h1>
        <p>
          {rooms.length > 0 ? (
            <>
              to <strong>{rooms.join(', ')}</strong>
            </>
          ) : (
            'to this hub'
          )}
          {claims?.role ? ` as ${claims.role}` : ''}
          {claims?.expiresAt ? `, until ${formatDateTime(claims.expiresAt)}` : ''}.
        </p>
        <label htmlFor="display-name">Your name, as colleagues will see it</label>
        <input
          id="display-name"
          value={name}
          maxLength={MAX_DISPLAY_NAME}
          autoComplete="name"
          autoFocus
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? 'display-name-error' : 'display-name-hint'}
        />
        <p className="muted small-text" id="display-name-hint">
          This browser remembers it for next time.
        </p>
        {error ? (
          <p className="error-text" id="display-name-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={!clean || busy}>
          {busy ? 'Joining…' : 'Join'}
        </button>
      </form>
    </main>
  );
}
