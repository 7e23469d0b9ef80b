/**
 * Notes editors publish to the dashboard, and the composer for them. Typing is shared through
 * presence while the user writes, and cleared when they pause, send or leave the field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatTime } from '../shared/format.js';
import { RichText } from '../shared/RichText.js';
import { reportRejection } from '../shared/report-rejection.js';
import { Avatar } from './PresenceBar.js';
import type { Annotation } from './room-model.js';

/** Typing is "over" after this long without a keystroke. */
const TYPING_IDLE_MS = 4000;

interface Props {
  annotations: readonly Annotation[];
  canPublish: boolean;
  editing: string | null;
  onTyping(typing: boolean): void;
  onPublish(text: string, widget?: string): Promise<void>;
}

export function AnnotationsPanel({ annotations, canPublish, editing, onTyping, onPublish }: Props) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typing = useRef(false);

  const setTyping = (next: boolean): void => {
    clearTimeout(idle.current);
    if (next) idle.current = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
    if (typing.current === next) return;
    typing.current = next;
    onTyping(next);
  };
  useEffect(() => () => clearTimeout(idle.current), []);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setSending(true);
    setError(null);
    try {
      await onPublish(text, editing ?? undefined);
      setDraft('');
      setTyping(false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="panel annotations" aria-label="Annotations">
      <h2 className="section-title">Annotations</h2>
      {annotations.length === 0 ? <p className="muted">No annotations yet.</p> : null}
      <ol className="annotation-list">
        {annotations
          .slice()
          .reverse()
          .map((a) => (
            <li key={`${a.round}-${a.seq}-${a.id}`} className="annotation" data-testid="annotation">
              <Avatar sub={a.author.sub} name={a.author.name} size={24} />
              <div>
                <div className="annotation-meta">
                  <strong>{a.author.name}</strong>
                  {a.widget ? <span className="tag">{a.widget}</span> : null}
                  <span className="muted">{formatTime(a.time)}</span>
                </div>
                <RichText className="annotation-text" text={a.text} />
              </div>
            </li>
          ))}
      </ol>
      {canPublish ? (
        <form className="composer" onSubmit={(e) => reportRejection(submit(e), setError)}>
          <label htmlFor="annotation-draft" className="sr-only">
            New annotation
          </label>
          <textarea
            id="annotation-draft"
            value={draft}
            rows={2}
            maxLength={4000}
            placeholder={editing ? `Note on ${editing}…` : 'Add a note for everyone on this dashboard…'}
            onChange={(e) => {
              setDraft(e.target.value);
              setTyping(e.target.value.length > 0);
            }}
            onBlur={() => setTyping(false)}
          />
          <button type="submit" disabled={sending || draft.trim().length === 0}>
            Post
          </button>
          {error ? <p className="error-text">{error}</p> : null}
        </form>
      ) : (
        <p className="muted small-text">Viewers can read annotations; editors post them.</p>
      )}
    </section>
  );
}
