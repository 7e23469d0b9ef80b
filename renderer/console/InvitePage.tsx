/** Make a join link for colleagues: rooms, role and lifetime in; link, QR code and copy button out. */
import { useEffect, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import { formatDateTime } from '../shared/format.js';
import { reportRejection } from '../shared/report-rejection.js';
import { adminAction } from './admin-session.js';
import { ActiveInvites } from './ActiveInvites.js';
import { INVITE_LIFETIMES, inviteProblems, inviteRequest, loopbackHost, type InviteDraft } from './invite-form.js';

interface Created {
  url: string;
  rooms: string[];
  role: string;
  expiresAt?: number;
  jti?: string;
  revoked?: boolean;
  /** The link's host is loopback: only this computer can open it. */
  loopback?: string;
}

export function InvitePage() {
  const [draft, setDraft] = useState<InviteDraft>({
    rooms: 'dashboard:',
    role: 'viewer',
    ttlMinutes: 8 * 60,
    name: '',
    maxUses: '',
  });
  const [error, setError] = useState<string | null>(null);
  // Until the rooms are edited, their problem (the bare prefill) is a hint, not an error.
  const [roomsEdited, setRoomsEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created[]>([]);
  const [invitesVersion, setInvitesVersion] = useState(0);
  const problems = inviteProblems(draft);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (problems.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const { url, token, rooms, role, expiresAt, jti, warning } = await adminAction('invite', inviteRequest(draft));
      if (!url || !token) throw new Error('the hub answered without a link');
      setCreated((list) => [
        {
          url,
          rooms,
          role,
          expiresAt,
          jti,
          loopback: loopbackHost(url) ?? (warning === 'loopback' ? new URL(url).host : undefined),
        },
        ...list,
      ]);
      setInvitesVersion((v) => v + 1);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (jti: string): Promise<void> => {
    try {
      await adminAction('revoke', { jti });
      setCreated((list) => list.map((c) => (c.jti === jti ? { ...c, revoked: true } : c)));
      setInvitesVersion((v) => v + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="page invite">
      <form className="panel invite-form" onSubmit={(e) => reportRejection(submit(e), setError)}>
        <h2 className="section-title">New join link</h2>
        <label htmlFor="invite-rooms">Rooms</label>
        <input
          id="invite-rooms"
          value={draft.rooms}
          onChange={(e) => {
            setRoomsEdited(true);
            setDraft({ ...draft, rooms: e.target.value });
          }}
          placeholder="dashboard:sales, dashboard:ops"
          spellCheck={false}
          aria-invalid={roomsEdited && problems.length > 0}
          aria-describedby="invite-rooms-hint invite-problems"
        />
        <p className="muted small-text" id="invite-rooms-hint">
          Exact rooms, or a prefix with * (dashboard:*). Everyone also gets their own alerts room.
        </p>
        <div className="form-row">
          <div>
            <label htmlFor="invite-role">Role</label>
            <select
              id="invite-role"
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value as InviteDraft['role'] })}
            >
              <option value="viewer">Viewer — watches, shows presence</option>
              <option value="editor">Editor — also posts annotations</option>
            </select>
          </div>
          <div>
            <label htmlFor="invite-lifetime">Link works for</label>
            <select
              id="invite-lifetime"
              value={draft.ttlMinutes}
              onChange={(e) => setDraft({ ...draft, ttlMinutes: Number(e.target.value) })}
            >
              {INVITE_LIFETIMES.map((l) => (
                <option key={l.minutes} value={l.minutes}>
                  {l.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="form-row">
          <div>
            <label htmlFor="invite-name">Label for this link (optional)</label>
            <input
              id="invite-name"
              value={draft.name}
              maxLength={128}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              placeholder="e.g. Visiting auditors"
            />
          </div>
          <div>
            <label htmlFor="invite-uses">Uses (optional)</label>
            <input
              id="invite-uses"
              value={draft.maxUses}
              inputMode="numeric"
              onChange={(e) => setDraft({ ...draft, maxUses: e.target.value })}
              placeholder="unlimited"
            />
          </div>
        </div>
        <p className="muted small-text">
          Each colleague who opens the link gives their own name and becomes a person of their own.
        </p>
        {problems.length > 0 ? (
          <p id="invite-problems" className={roomsEdited ? 'error-text' : 'muted small-text'}>
            {problems.join('. ')}
          </p>
        ) : null}
        {error ? <p className="error-text">{error}</p> : null}
        <button type="submit" disabled={busy || problems.length > 0}>
          Create link
        </button>
      </form>
      {created.map((c) => (
        <InviteCard
          key={c.url}
          invite={c}
          onRevoke={c.jti && !c.revoked ? () => reportRejection(revoke(c.jti!), setError) : undefined}
        />
      ))}
      <ActiveInvites version={invitesVersion} onRevoke={(jti) => reportRejection(revoke(jti), setError)} />
    </div>
  );
}

function InviteCard({ invite, onRevoke }: { invite: Created; onRevoke?: () => void }) {
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(invite.url, { errorCorrectionLevel: 'M', margin: 1, width: 220 }).then(
      (data) => live && setQr(data),
      () => live && setQr(null),
    );
    return () => {
      live = false;
    };
  }, [invite.url]);

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(invite.url);
      setCopied(true);
    } catch {
      // Clipboard refused (no permission, not focused): select the text for a manual copy.
      document.getElementById(`link-${invite.jti ?? 'new'}`)?.focus();
    }
  };

  return (
    <section className={`panel invite-card${invite.revoked ? ' revoked' : ''}`} data-testid="invite-card">
      <div className="invite-link">
        <h3>
          {invite.rooms.join(', ')} · {invite.role}
        </h3>
        <p className="muted small-text">
          {invite.revoked ? 'Revoked.' : `Works until ${formatDateTime(invite.expiresAt)}.`} The token travels in the
          link's # part, which browsers never send to a server.
        </p>
        {invite.loopback && !invite.revoked ? (
          <p className="warning-text" role="note" data-testid="invite-loopback">
            This link points at {invite.loopback}, which only this computer can open: colleagues cannot use it. Share
            the hub on your network first (desktop app: “Share on my network”; headless: <code>--host</code> with this
            computer’s address, or <code>--public-url</code>), then make a new link.
          </p>
        ) : null}
        <input
          id={`link-${invite.jti ?? 'new'}`}
          className="mono"
          readOnly
          value={invite.url}
          onFocus={(e) => e.target.select()}
          data-testid="invite-url"
          aria-label="Join link"
        />
        <div className="row">
          <button type="button" onClick={() => reportRejection(copy())} disabled={invite.revoked}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
          {onRevoke ? (
            <button type="button" className="danger-outline" onClick={onRevoke}>
              Revoke
            </button>
          ) : null}
        </div>
      </div>
      {qr && !invite.revoked ? (
        <img className="qr" src={qr} alt="QR code of the join link" width={220} height={220} data-testid="invite-qr" />
      ) : null}
    </section>
  );
}
