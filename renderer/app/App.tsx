/**
 * The web client: finds a token (desktop bridge, join link, this tab's storage, or a paste),
 * opens the one hub connection, then shows the console to admins and the dashboard to everyone else.
 */
import { useEffect, useState } from 'react';
import { ConsoleApp } from '../console/ConsoleApp.js';
import { credentialsFromPaste, findCredentials, forgetCredentials, pageEnv, type Credentials } from '../connection/credentials.js';
import { useConnection } from '../connection/connection-store.js';
import { endHubSession, startHubSession } from '../connection/hub-session.js';
import { DashboardApp } from '../dashboard/DashboardApp.js';
import { resetDashboard } from '../dashboard/dashboard-store.js';
import { EndedScreen } from './EndedScreen.js';
import { TokenGate } from './TokenGate.js';

type Phase = { kind: 'starting' } | { kind: 'gate'; error?: string } | { kind: 'connected' };

function begin(credentials: Credentials): void {
  resetDashboard(null);
  startHubSession(credentials);
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const session = useConnection((s) => s.session);
  const claims = useConnection((s) => s.claims);
  const ending = useConnection((s) => s.ending);
  const status = useConnection((s) => s.status);

  useEffect(() => {
    let cancelled = false;
    findCredentials(pageEnv()).then(
      (found) => {
        if (cancelled) return;
        if (!found) return setPhase({ kind: 'gate' });
        begin(found);
        setPhase({ kind: 'connected' });
      },
      (err: Error) => !cancelled && setPhase({ kind: 'gate', error: `Could not get the hub connection: ${err.message}` }),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const usePasted = (text: string): boolean => {
    const found = credentialsFromPaste(pageEnv(), text);
    if (!found) return false;
    begin(found);
    setPhase({ kind: 'connected' });
    return true;
  };

  const useAnotherLink = (): void => {
    endHubSession();
    forgetCredentials(pageEnv());
    setPhase({ kind: 'gate' });
  };

  if (phase.kind === 'starting') return <Splash text="Starting…" />;
  if (phase.kind === 'gate') return <TokenGate onSubmit={usePasted} error={phase.error} />;
  if (ending && ending.kind !== 'signed-out') return <EndedScreen ending={ending} onUseAnotherLink={useAnotherLink} />;
  // Until the hub has welcomed us, the token's own claim says which screen to prepare.
  const role = session?.user.role ?? (status === 'open' ? undefined : claims?.role);
  if (!session && status !== 'reconnecting') return <Splash text="Connecting to the hub…" />;
  return role === 'admin' ? <ConsoleApp onSignOut={useAnotherLink} /> : <DashboardApp />;
}

function Splash({ text }: { text: string }) {
  return (
    <main className="splash" aria-busy="true">
      <span className="brand">Insight Hub</span>
      <p className="muted">{text}</p>
    </main>
  );
}
