/**
 * The dashboard's widgets as the hub knows them: refreshed when InsightEngine says so, edited by
 * whoever claims them through presence, with the notes pinned to each.
 */
import type { PresenceMember } from '../../hub/protocol/index.js';
import { formatTime } from '../shared/format.js';
import { RichText } from '../shared/RichText.js';
import { useNow } from '../shared/use-now.js';
import type { Annotation, WidgetState } from './room-model.js';

/** A refresh within this window is highlighted. */
const FRESH_MS = 5000;

interface Props {
  widgets: WidgetState[];
  members: PresenceMember[];
  selfId: string | undefined;
  editing: string | null;
  canEdit: boolean;
  annotations: readonly Annotation[];
  onEdit(widget: string | null): void;
}

export function WidgetGrid({ widgets, members, selfId, editing, canEdit, annotations, onEdit }: Props) {
  const now = useNow(1000);
  if (widgets.length === 0) {
    return (
      <section className="panel empty" aria-label="Widgets">
        <h2 className="section-title">Widgets</h2>
        <p className="muted">
          No widgets reported yet. They appear here when InsightEngine refreshes them, streams their query, or a
          colleague starts editing one.
        </p>
      </section>
    );
  }
  return (
    <section aria-label="Widgets">
      <h2 className="section-title">Widgets</h2>
      <div className="widget-grid">
        {widgets.map((w) => {
          const editors = members.filter((m) => m.state.editing === w.id && m.clientId !== selfId);
          const fresh = w.refreshedAt !== undefined && now - w.refreshedAt < FRESH_MS;
          const notes = annotations.filter((a) => a.widget === w.id).slice(-3);
          const mine = editing === w.id;
          return (
            <article
              key={w.id}
              className={`widget${fresh ? ' fresh' : ''}${mine ? ' mine' : ''}`}
              data-testid="widget"
              data-widget={w.id}
            >
              <header className="widget-head">
                <h3>{w.id}</h3>
                {canEdit ? (
                  <button
                    type="button"
                    className="small"
                    onClick={() => onEdit(mine ? null : w.id)}
                    aria-pressed={mine}
                  >
                    {mine ? 'Done' : 'Edit'}
                  </button>
                ) : null}
              </header>
              <p className="widget-refresh" data-testid="refresh-state">
                {w.refreshedAt
                  ? `Refreshed ${formatTime(w.refreshedAt)}${w.refreshes > 1 ? ` · ${w.refreshes}×` : ''}`
                  : 'Not refreshed yet'}
              </p>
              {w.reason ? (
                <p className="muted small-text">
                  <RichText text={w.reason} />
                </p>
              ) : null}
              {editors.length > 0 ? (
                <p className="widget-editors">{editors.map((m) => m.name || m.sub).join(', ')} editing</p>
              ) : null}
              {notes.map((n) => (
                <p key={n.id} className="widget-note">
                  <strong>{n.author.name}:</strong> <RichText text={n.text} />
                </p>
              ))}
            </article>
          );
        })}
      </div>
    </section>
  );
}
