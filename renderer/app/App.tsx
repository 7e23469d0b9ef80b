/**
 * The web client: finds a token (desktop bridge, join link, this tab's storage, or a paste),
 * exchanges an invite for a personal token, opens the one hub connection, then shows the console
 * to admins and the dashboard to everyone else.
 */
import { useEffect, useState } from 'react';
import { ConsoleApp } from '../console/ConsoleApp.js';
import {
  credentialsFromPaste,
  findCredentials,
  forgetCredentials,
  pageEnv,
  parseFragment,
  withToken,
  type Credentials,
} from '../connection/credentials.js';
import { useConnection, type Ending } from '../connection/connection-store.js';
import { endHubSession, startHubSession } from '../connection/hub-session.js';
import {
  forgetRedeemed,
  keepRedeemed,
  needsRedeeming,
  redeemedFor,
  redeemInvite,
  rememberedName,
  rememberName,
} from '../connection/invite-redeem.js';
import { checkSession } from '../connection/refusal.js';
import { reportRejection } from '../shared/report-rejection.js';
import { DashboardPage } from '../dashboard/DashboardApp.js';
import { forgetFragmentRoom } from '../dashboard/dashboard-address.js';
import { resetDashboard } from '../dashboard/dashboard-store.js';
import { EndedScreen } from './EndedScreen.js';
import { InviteWelcome } from './InviteWelcome.js';
import { TokenGate } from './TokenGate.js';

type Phase =
  | { kind: 'starting' }
  | { kind: 'gate'; error?: string }
  | { kind: 'invite'; credentials: Credentials }
  /** Refused before any connection (an invite that cannot be redeemed). */
  | { kind: 'refused'; ending: Ending }
  | { kind: 'connected' };

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
  const token = useConnection((s) => s.credentials?.token);

  /** An invite is redeemed first (or its earlier redemption reused); any other token connects. */
  const enter = (found: Credentials): void => {
    if (found.origin === 'desktop' || !needsRedeeming(found.token)) {
      begin(found);
      return setPhase({ kind: 'connected' });
    }
    const env = pageEnv();
    const personal = redeemedFor(env.lasting, found.token);
    if (personal) {
      begin(withToken(env, found, personal));
      return setPhase({ kind: 'connected' });
    }
    setPhase({ kind: 'invite', credentials: found });
    // A link already expired, revoked or used up says so before anyone types a name.
    const checked = checkSession(found.address.httpUrl, found.token).then((answer) => {
      if (answer.kind === 'refused')
        setPhase((now) =>
          now.kind === 'invite' && now.credentials === found
            ? { kind: 'refused', ending: { kind: 'refused', refusal: answer.refusal } }
            : now,
        );
    });
    // Not knowing is no refusal: the name can still be typed, and the redemption says what is wrong.
    reportRejection(checked);
  };

  useEffect(() => {
    let cancelled = false;
    findCredentials(pageEnv()).then(
      (found) => {
        if (cancelled) return;
        if (!found) return setPhase({ kind: 'gate' });
        enter(found);
      },
      (err: Error) =>
        !cancelled && setPhase({ kind: 'gate', error: `Could not get the hub connection: ${err.message}` }),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  // A personal token the hub no longer takes is forgotten, so its link asks again next time.
  useEffect(() => {
    if (ending?.kind === 'refused' && token) forgetRedeemed(pageEnv().lasting, token);
  }, [ending, token]);

  const usePasted = (text: string): boolean => {
    const found = credentialsFromPaste(pageEnv(), text);
    if (!found) return false;
    forgetFragmentRoom();
    endHubSession();
    enter(found);
    return true;
  };

  // A join link typed or pasted into the address bar of this open tab changes only the fragment,
  // which reloads nothing: take it as a paste, and wipe it from the address bar as on a load.
  useEffect(() => {
    const onHash = (): void => {
      if (!parseFragment(window.location.hash)) return;
      const link = window.location.href;
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      usePasted(link);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const redeem = async (invite: Credentials, name: string): Promise<string | null> => {
    const env = pageEnv();
    rememberName(env.lasting, name);
    const answer = await redeemInvite(invite.address.httpUrl, invite.token, name);
    if (answer.kind === 'failed') return answer.message;
    if (answer.kind === 'refused') {
      setPhase({ kind: 'refused', ending: { kind: 'refused', refusal: answer.refusal } });
      return null;
    }
    keepRedeemed(env.lasting, invite.token, answer.token);
    begin(withToken(env, invite, answer.token));
    setPhase({ kind: 'connected' });
    return null;
  };

  const signOut = (): void => {
    endHubSession();
    forgetCredentials(pageEnv());
    setPhase({ kind: 'gate' });
  };

  if (phase.kind === 'starting') return <Splash text="Starting…" />;
  if (phase.kind === 'gate') return <TokenGate onSubmit={usePasted} error={phase.error} />;
  if (phase.kind === 'invite') {
    return (
      <InviteWelcome
        invite={phase.credentials.token}
        initialName={rememberedName(pageEnv().lasting)}
        onJoin={(name) => redeem(phase.credentials, name)}
      />
    );
  }
  if (phase.kind === 'refused') return <EndedScreen ending={phase.ending} onPaste={usePasted} />;
  if (ending && ending.kind !== 'signed-out') return <EndedScreen ending={ending} onPaste={usePasted} />;
  // Until the hub has welcomed us, the token's own claim says which screen to prepare.
  const role = session?.user.role ?? (status === 'open' ? undefined : claims?.role);
  if (!session && status !== 'reconnecting') return <Splash text="Connecting to the hub…" />;
  return role === 'admin' ? <ConsoleApp onSignOut={signOut} /> : <DashboardPage />;
}

function Splash({ text }: { text: string }) {
  return (
    <main className="splash" aria-busy="true">
      <h1 className="brand">Insight Hub</h1>
      <p className="muted">{text}</p>
    </main>
  );
}
