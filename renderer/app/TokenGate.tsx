/** Shown when the page holds no token: paste a join link or a token to get in. */
import { PasteLink } from './PasteLink.js';

export function TokenGate({ onSubmit, error }: { onSubmit(text: string): boolean; error?: string | null }) {
  return (
    <main className="gate">
      <div className="gate-card">
        <h1>Insight Hub</h1>
        <p>Live dashboards, shared. Open the join link you were sent, or paste it (or a token) here.</p>
        <PasteLink onSubmit={onSubmit} error={error} autoFocus />
        <p className="muted small-text">The token stays in this browser and is never sent anywhere but this hub.</p>
      </div>
    </main>
  );
}
