/**
 * From the saved desktop settings to `createHub` options: which address to bind, the TLS
 * certificate, the signing secret, the origins allowed to connect. Runs in the hub process, which
 * is given the user-data folder; the machine's interfaces are an argument so tests can vary them.
 */
import { join } from 'node:path';
import type { HubOptionsInput } from '../hub/server/options.js';
import { APP_ORIGIN } from './app-origin.js';
import { LOOPBACK, baseUrl, certificateAddresses, interfaceAddress, type InterfaceTable } from './lan.js';
import type { DesktopSettings } from './settings.js';
import { ensureSigningSecret } from './signing-secret.js';
import { ensureCertificate } from './tls-certificate.js';

/** Layout of the hub's files inside the user-data folder. */
export function hubPaths(userDataDir: string): { dataDir: string; secretFile: string; tlsDir: string } {
  const dataDir = join(userDataDir, 'hub');
  return { dataDir, secretFile: join(dataDir, 'signing-secret'), tlsDir: join(dataDir, 'tls') };
}

export interface BindChoice {
  host: string;
  /** Why the settings could not be followed as written. */
  warning?: string;
}

/** "This computer only" binds loopback; sharing binds the chosen interface's current address. */
export function chooseBindHost(settings: DesktopSettings, table: InterfaceTable): BindChoice {
  if (settings.sharing === 'local') return { host: LOOPBACK };
  const name = settings.interfaceName ?? '';
  const address = interfaceAddress(name, table);
  if (address) return { host: address };
  // Sharing on an interface that is gone (laptop off the office Wi-Fi) falls back to the safe side.
  return { host: LOOPBACK, warning: `network interface "${name}" is not available; sharing is off until it is back` };
}

export interface HubPlan {
  options: HubOptionsInput;
  host: string;
  tls: boolean;
  /** SHA-256 fingerprint of the certificate served, `AB:CD:…`; null without TLS. */
  fingerprint: string | null;
  warning?: string;
}

export interface PlanInput {
  settings: DesktopSettings;
  userDataDir: string;
  /** Built console served to colleagues' browsers. */
  webRoot?: string;
  interfaces: InterfaceTable;
  now?: Date;
}

export async function planHub(input: PlanInput): Promise<HubPlan> {
  const { settings, userDataDir, interfaces } = input;
  const paths = hubPaths(userDataDir);
  const { host, warning } = chooseBindHost(settings, interfaces);
  const { secret } = await ensureSigningSecret(paths.secretFile);
  const cert = settings.tls
    ? await ensureCertificate(paths.tlsDir, host, certificateAddresses(interfaces), input.now)
    : undefined;

  // With a fixed port the hub's own origin is known now; with port 0 the hub adds it once bound.
  const own = settings.port !== 0 ? [baseUrl(host, settings.port, settings.tls)] : [];
  const options: HubOptionsInput = {
    port: settings.port,
    host,
    dataDir: paths.dataDir,
    auth: { secret },
    allowedOrigins: [...new Set([...own, APP_ORIGIN, ...settings.allowedOrigins])],
    limits: { ...settings.limits },
    // On disk in the data directory: a restart (update, reboot, crash) keeps every dashboard's history.
    history: {
      maxMessages: settings.history.maxMessages,
      maxAgeMs: settings.history.maxAgeMinutes * 60_000,
      store: 'sqlite',
    },
  };
  if (cert) options.tls = { cert: cert.cert, key: cert.key };
  if (own.length > 0) options.publicUrl = own[0];
  if (input.webRoot) options.webRoot = input.webRoot;
  return { options, host, tls: settings.tls, fingerprint: cert?.fingerprint ?? null, warning };
}
