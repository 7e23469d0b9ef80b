/** Alerts as toasts, most severe on top; info and warnings leave by themselves, critical ones wait. */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
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
      {/* Severity, sender and the dismiss button stay in view however long the text is. */}
      <div className="toast-head">
        <span className="toast-severity">{toast.severity}</span>
        <SenderLabel sender={toast.from} />
        <button type="button" className="icon" aria-label="Dismiss alert" onClick={() => dismissAlert(toast.id)}>
          ×
        </button>
      </div>
      <ToastText title={toast.title} body={toast.body} />
      <div className="toast-meta muted">
        {toast.room} · {formatTime(toast.time)}
      </div>
    </div>
  );
}

/** Title and body in a box of bounded height that scrolls (and then takes focus, for the keyboard). */
function ToastText({ title, body }: { title: string; body: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = (): void => setScrolls(el.scrollHeight > el.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [title, body]);
  return (
    <div ref={box} className="toast-text" data-testid="toast-text" tabIndex={scrolls ? 0 : undefined}>
      <strong className="toast-title">{title}</strong>
      {body ? <RichText className="toast-body" text={body} /> : null}
    </div>
  );
}
