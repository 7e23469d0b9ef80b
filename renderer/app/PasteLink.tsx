/** A field to paste a join link (or a bare token) into: the way in, and the way back after a refusal. */
import { useState, type FormEvent } from 'react';

export function PasteLink({
  onSubmit,
  error,
  autoFocus,
  label = 'Join link or token',
}: {
  onSubmit(text: string): boolean;
  error?: string | null;
  autoFocus?: boolean;
  label?: string;
}) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (text.trim().length === 0) return;
    setInvalid(!onSubmit(text));
  };
  return (
    <form className="paste-link" onSubmit={submit} aria-label="Paste a join link">
      <label htmlFor="join-link">{label}</label>
      <textarea
        id="join-link"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        // Enter joins; Shift+Enter still makes a new line in a long pasted link.
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        placeholder="https://…/#token=…"
        spellCheck={false}
        autoFocus={autoFocus}
        aria-invalid={invalid || !!error}
        aria-describedby={invalid || error ? 'join-link-error' : undefined}
      />
      {invalid || error ? (
        <p className="error-text" id="join-link-error" role="alert">
          {invalid ? 'That is neither a join link nor a token.' : error}
        </p>
      ) : null}
      <button type="submit" disabled={text.trim().length === 0}>
        Join
      </button>
    </form>
  );
}
