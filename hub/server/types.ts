/** The public handle of a running hub (returned by `createHub`). */
import type { Role } from '../protocol/index.js';
import type { HubOptions } from './options.js';

export type HubState = 'starting' | 'running' | 'draining' | 'closed';

export interface MintClaims {
  sub: string;
  name?: string;
  role: Role;
  rooms: string[];
  /** Lifetime in seconds. */
  ttlSec: number;
  jti?: string;
  /** Extra claims (an invite's `invite` and `maxUses`). */
  extra?: Record<string, string | number | boolean>;
}

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
  /** Sign a token with the hub's HS256 secret (throws when the hub verifies with a public key). */
  mintToken(claims: MintClaims): Promise<string>;
  /** Graceful drain: readyz 503, upgrades 503, notice shutdown, 1001, close within the timeout. */
  drain(timeoutMs?: number): Promise<void>;
  /** Immediate stop (tests). */
  close(): Promise<void>;
}
