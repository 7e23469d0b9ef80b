/** Alerts as toasts, most severe on top; info and warnings leave by themselves, critical ones wait. */
import { useEffect } from 'react';
import { formatTime } from '../shared/format.js';
import { RichText } from '../shared/RichText.js';
import { dismissAlert, toastLifetimeMs, useAlerts, type Toast } from './alerts-store.js';
import { SenderLabel } from './SenderLabel.js';

export function AlertToasts() {
  const toasts = useAlerts((s) => s.toasts);
  return (
    <div className="toasts" role="region" aria-label="Alerts" aria-live="polite">
      {toasts.map((t) => (
        <AlertToast key={t.id} toast={t} />
      ))}
    </div>
  );
}

function AlertToast({ toast }: { toast: Toast }) {
  useEffect(() => {
    const ms = toastLifetimeMs(toast.severity);
    if (ms === null) return;
    const timer = setTimeout(() => dismissAlert(toast.id), ms);
    return () => clearTimeout(timer);
  }, [toast.id, toast.severity]);
  const sender = toast.from.system ? 'system' : 'person';
  return (
    <div
      className={`toast ${toast.severity} from-${sender}`}
      role={toast.severity === 'critical' ? 'alert' : 'status'}
      data-testid="toast"
      data-severity={toast.severity}
      data-sender={sender}
    >
      <div className="toast-head">
        <span className="toast-severity">{toast.severity}</span>
        <strong className="toast-title">{toast.title}</strong>
        <button type="button" className="icon" aria-label="Dismiss alert" onClick={() => dismissAlert(toast.id)}>
          ×
        </button>
      </div>
      {toast.body ? <RichText className="toast-body" text={toast.body} /> : null}
      <div className="toast-meta muted">
        <SenderLabel sender={toast.from} /> · {toast.room} · {formatTime(toast.time)}
      </div>
    </div>
  );
}
