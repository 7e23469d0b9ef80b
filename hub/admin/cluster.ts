/**
 * The other hubs sharing this hub's engine, as admins see them: each hub sends a compact line of
 * its per-second stats over the engine's control channel, and keeps a bounded summary of its
 * clients in the record store (kind `node-clients`, key its node id) so any hub can list them.
 * With the memory engine there is nobody else: nothing is sent or written.
 */
import { type HubLine, type Json, type JsonObject, type RemoteClient, type StatsEvent } from '../protocol/index.js';
import type { StatsSample } from './stats-sampler.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { ControlCommand } from '../core/engine.js';
import { logRejection } from '../core/log-rejection.js';

export type { RemoteClient };

export const NODE_CLIENTS_KIND = 'node-clients';
/** A hub not heard from for this long is left out of `hubs`. */
export const HUB_STALE_MS = 5_000;
const CLIENTS_TTL_MS = 10_000;
const CLIENTS_REFRESH_MS = 2_000;
/** Clients written per hub at most; the rest are counted in `omitted`. */
export const NODE_CLIENTS_CAP = 20_000;
/** How long a read of the other hubs' clients is reused (lists are asked for page by page). */
const REMOTE_CACHE_MS = 500;

export class ClusterView {
  private readonly others = new Map<string, HubLine>();
  private timer: NodeJS.Timeout | undefined;
  private remoteCache: { at: number; clients: Promise<RemoteClient[]> } | undefined;

  constructor(
    private readonly core: ExtensionHost,
    readonly startedAt: number,
    readonly version: string,
  ) {}

  /** Whether other hubs can exist: the engine is shared. */
  get shared(): boolean {
    return this.core.engine.capabilities.shared;
  }

  get node(): string {
    return this.core.engine.nodeId;
  }

  start(): this {
    if (!this.shared) return this;
    const write = (): void =>
      logRejection(this.writeClients(), this.core.options.logger, "writing this hub's client summary");
    write();
    this.timer = setInterval(write, CLIENTS_REFRESH_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A control command from any hub: another hub's stats line is kept. */
  onControl(cmd: ControlCommand): void {
    if (cmd.kind !== 'stats' || cmd.node === this.node) return;
    const line = readLine(cmd.node, cmd.stats);
    if (line) this.others.set(cmd.node, line);
  }

  /** This hub's line from its `stats` sample; sent to the other hubs when the engine is shared. */
  ownLine(stats: StatsSample): HubLine {
    const { total, process, engine } = stats;
    return {
      node: this.node,
      startedAt: this.startedAt,
      version: this.version,
      clients: total.clients,
      rooms: total.rooms,
      messagesInPerSec: total.messagesInPerSec,
      messagesOutPerSec: total.messagesOutPerSec,
      rss: process.rssBytes,
      heapUsed: process.heapUsedBytes,
      lagMs: process.eventLoopLagMs.mean,
      engine: engine.state,
      self: true,
      lastSeen: Date.now(),
    };
  }

  /** Send this hub's line to the others (shared engine only; failures are the engine's to report). */
  broadcast(line: HubLine): void {
    if (!this.shared) return;
    const { self: _self, lastSeen: _seen, ...stats } = line;
    this.core.engine.control({ kind: 'stats', node: this.node, stats }).catch(() => undefined);
  }

  /** Every live hub, this one first, and their totals. */
  hubs(own: HubLine): Pick<StatsEvent, 'hubs' | 'cluster'> {
    const now = Date.now();
    const hubs = [own];
    for (const [node, line] of this.others) {
      if (now - line.lastSeen > HUB_STALE_MS) this.others.delete(node);
      else hubs.push(line);
    }
    hubs.sort((a, b) => (a.self ? -1 : b.self ? 1 : a.node < b.node ? -1 : 1));
    const sum = (k: 'clients' | 'rooms' | 'messagesInPerSec' | 'messagesOutPerSec'): number =>
      Math.round(hubs.reduce((n, h) => n + h[k], 0) * 100) / 100;
    return {
      hubs,
      cluster: {
        hubs: hubs.length,
        clients: sum('clients'),
        messagesInPerSec: sum('messagesInPerSec'),
        messagesOutPerSec: sum('messagesOutPerSec'),
      },
    };
  }

  /** Clients of the other live hubs (empty with an unshared engine), oldest hub's first. */
  remoteClients(): Promise<RemoteClient[]> {
    if (!this.shared) return Promise.resolve([]);
    const now = Date.now();
    if (this.remoteCache && now - this.remoteCache.at < REMOTE_CACHE_MS) return this.remoteCache.clients;
    // Unreadable (engine down): this hub's own clients are still listed.
    const clients = this.readRemote().catch((err: unknown) => {
      this.core.options.logger?.warn({ err: (err as Error).message }, "could not read the other hubs' clients");
      return [];
    });
    this.remoteCache = { at: now, clients };
    return clients;
  }

  private async readRemote(): Promise<RemoteClient[]> {
    const now = Date.now();
    const out: RemoteClient[] = [];
    const records = await this.core.engine.records.list(NODE_CLIENTS_KIND);
    records.sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const { key, value } of records) {
      if (key === this.node || !value || typeof value !== 'object' || Array.isArray(value)) continue;
      const at = Number(value.at);
      if (!(now - at <= CLIENTS_TTL_MS) || !Array.isArray(value.clients)) continue;
      for (const c of value.clients) {
        if (c && typeof c === 'object' && !Array.isArray(c) && typeof c.clientId === 'string') {
          out.push(readRemoteClient(c, c.clientId, key));
        }
      }
    }
    return out;
  }

  private async writeClients(): Promise<void> {
    const clients: RemoteClient[] = [];
    for (const s of this.core.sessions.values()) {
      if (clients.length >= NODE_CLIENTS_CAP) break;
      const { sub, name, role } = s.user;
      clients.push({
        clientId: s.id,
        sub,
        name,
        role,
        ip: s.ip,
        rooms: s.roomList(),
        connectedAt: s.connectedAt,
        node: this.node,
      });
    }
    const value = {
      at: Date.now(),
      omitted: Math.max(0, this.core.sessions.size - clients.length),
      clients,
    };
    try {
      await this.core.engine.records.put(NODE_CLIENTS_KIND, this.node, value, CLIENTS_TTL_MS);
    } catch (err) {
      this.core.options.logger?.warn({ err: (err as Error).message }, "could not write this hub's client summary");
    }
  }
}

/** Another hub's client as that hub wrote it (a field it lacks reads as empty); `node` is its record's key. */
function readRemoteClient(c: JsonObject, clientId: string, node: string): RemoteClient {
  const s = (k: string): string => (typeof c[k] === 'string' ? c[k] : '');
  const rooms = Array.isArray(c.rooms) ? c.rooms.filter((r): r is string => typeof r === 'string') : [];
  const connectedAt = typeof c.connectedAt === 'number' ? c.connectedAt : 0;
  return { clientId, sub: s('sub'), name: s('name'), role: s('role'), ip: s('ip'), rooms, connectedAt, node };
}

function readLine(node: string, stats: Json): HubLine | undefined {
  if (!stats || typeof stats !== 'object' || Array.isArray(stats)) return undefined;
  const n = (k: string): number => (typeof stats[k] === 'number' ? stats[k] : 0);
  const s = (k: string): string => (typeof stats[k] === 'string' ? stats[k] : '');
  return {
    node,
    startedAt: n('startedAt'),
    version: s('version'),
    clients: n('clients'),
    rooms: n('rooms'),
    messagesInPerSec: n('messagesInPerSec'),
    messagesOutPerSec: n('messagesOutPerSec'),
    rss: n('rss'),
    heapUsed: n('heapUsed'),
    lagMs: n('lagMs'),
    engine: s('engine'),
    self: false,
    lastSeen: Date.now(),
  };
}
