/**
 * The seam extensions (admin, metrics) plug into: what a hub hands each of them before it listens.
 * It lives below the server so neither side imports the other; the list of extensions is composed
 * at the top (hub/extensions.ts) and handed to `createHub`.
 */
import type { ErrorCode, RefusalReason } from '../protocol/index.js';
import type { CoreLogger } from '../core/core-types.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { SessionIdentity } from '../core/session.js';
import type { BanList } from '../auth/bans.js';
import type { MintRequest } from '../auth/mint.js';
import type { Revocations } from '../auth/revocations.js';
import type { RestAuth } from './rest-auth.js';
import type { Router } from './router.js';

/** What the hub signs: a mint request without `issuer` (the hub's own is used). */
export type MintClaims = Omit<MintRequest, 'issuer'>;

/** An upgrade the hub refused, as extensions hear of it (audit log, metrics). */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  ip: string;
  sub?: string;
  origin?: string;
  /** Why a credential was refused, and until when for a ban (also in the refusal's JSON body). */
  reason?: RefusalReason;
  until?: number;
  banReason?: string;
}

/** TCP connections the server counts before HTTP, and what it refused there (by reason). */
export interface SocketCounts {
  readonly total: number;
  readonly ceiling: number;
  readonly refused: ReadonlyMap<string, number>;
}

/** The hub options an extension reads (the resolved HubOptions fit it). */
export interface ExtensionHubOptions {
  logger?: CoreLogger;
  dataDir: string;
  auditMaxBytes: number;
  auth: { publicKey?: string; jwksUrl?: string };
  limits: { maxHttpBodyBytes: number };
}

/** What extensions (admin, metrics) receive to plug into a hub. */
export interface HubContext {
  options: ExtensionHubOptions;
  /** What extensions may use of the core (never the HubCore class itself). */
  core: ExtensionHost;
  router: Router;
  auth: RestAuth;
  bans: BanList;
  revocations: Revocations;
  /** Admission checks (identity, client IP) run at upgrade and on REST calls. */
  admit: Array<(identity: SessionIdentity, ip: string) => Promise<void>>;
  refusals: Array<(refusal: Refusal) => void>;
  /** TCP connections counted before HTTP, and what was refused there. */
  sockets: SocketCounts;
  mint(claims: MintClaims): Promise<string>;
  /** The upgrade's `Host` allowlist, for routes that trust where a request comes from. */
  hostAllowed(host: string | undefined): boolean;
  readonly url: string;
  onClose: Array<() => Promise<void> | void>;
}

/** Extensions are installed in order before the hub listens (see hub/admin, hub/metrics). */
export type HubExtension = (ctx: HubContext) => void | Promise<void>;
