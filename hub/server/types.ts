/** The public handle of a running hub (returned by `createHub`). */
import type { MintClaims } from '../http/extension.js';
import type { HubOptions } from './options.js';

export type HubState = 'starting' | 'running' | 'draining' | 'closed';

/** What the hub signs: a mint request without `issuer` (the hub's own is used). */
export type { MintClaims };

export interface Hub {
  readonly options: HubOptions;
  readonly state: HubState;
  /** Bound port (useful with port 0). */
  readonly port: number;
  /** `http(s)://host:port` */
  readonly url: string;
  /** `ws(s)://host:port/ws` */
  readonly wsUrl: string;
  /** Where the HS256 secret came from (generated file path, env, option), when one is used. */
  readonly secretSource?: string;
  /** Sign a token with the hub's HS256 secret (throws when the hub verifies with a public key); `ttlSec` defaults to 8 h (`DEFAULT_TOKEN_TTL_SEC`). */
  mintToken(claims: MintClaims): Promise<string>;
  /** Graceful drain: readyz 503, upgrades 503, notice shutdown, 1001, close within the timeout. */
  drain(timeoutMs?: number): Promise<void>;
  /** Immediate stop (tests). */
  close(): Promise<void>;
  /** The computer is going to sleep: clients get `notice shutdown` (reason `sleep`) and 1001. */
  suspend(): void;
  /** It woke: check every socket now, and report the sleep (admin stats `sleep`). */
  resume(): void;
}
