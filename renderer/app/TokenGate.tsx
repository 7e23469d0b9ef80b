/** Shown when the page holds no token: paste a join link or a token to get in. */
import { useState, type FormEvent } from 'react';

export function TokenGate({ onSubmit, error }: { onSubmit(text: string): boolean; error?: string | null }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setInvalid(!onSubmit(text));
  };
  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit}>
        <h1>Insight Hub</h1>
        <p>Live dashboards, shared. Open the join link you were sent, or paste it (or a token) here.</p>
        <label htmlFor="join-link">Join link or token</label>
        <textarea id="join-link" rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="https://…/#token=…" spellCheck={false} autoFocus />
        {invalid || error ? <p className="error-text">{error ?? 'That is neither a join link nor a token.'}</p> : null}
        <button type="submit" disabled={text.trim().length === 0}>
          Join
        </button>
        <p className="muted small-text">The token stays in this tab only and is never sent anywhere but this hub.</p>
      </form>
    </main>
  );
}
