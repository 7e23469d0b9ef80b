/**
 * Presence shared by every hub: a hash per room (clientId → owner node and member), a set per node of
 * what it holds, and a liveness key per node. A node that stops refreshing its key is swept by the
 * others; a node that finds Redis without its members (a restart, or it was swept) puts them back.
 */
import type { PresenceMember } from '../../protocol/index.js';
import type { PresenceDiff } from '../../core/engine.js';
import { PresenceRoster, type PresencePage } from '../../core/presence-roster.js';
import type { RedisKeys } from './keys.js';
import {
  CLEAR_OWN_NODE,
  HEARTBEAT,
  PRESENCE_REMOVE,
  PRESENCE_SET,
  RESTORE_MEMBERS,
  SWEEP_DEAD_NODES,
  type ScriptRunner,
  type SendCommand,
} from './scripts.js';

const RESTORE_BATCH = 300;

export class RedisPresence {
  /** This node's members as JSON, by room then clientId: the truth to restore from. */
  private readonly own = new Map<string, Map<string, string>>();
  /** A write failed, so Redis may disagree with `own` until the next reconcile. */
  private dirty = false;

  constructor(
    private readonly send: SendCommand,
    private readonly scripts: ScriptRunner,
    private readonly keys: RedisKeys,
  ) {}

  async set(room: string, member: PresenceMember): Promise<void> {
    const json = JSON.stringify({ clientId: member.clientId, sub: member.sub, name: member.name, state: member.state });
    let members = this.own.get(room);
    if (!members) {
      members = new Map();
      this.own.set(room, members);
    }
    members.set(member.clientId, json);
    await this.guard(
      this.scripts.run(
        PRESENCE_SET,
        [this.keys.roomMembers(room), this.keys.nodeMembers()],
        [member.clientId, this.keys.nodeId, json, this.keys.roomFeed(room), room],
      ),
    );
  }

  async remove(room: string, clientId: string): Promise<void> {
    const members = this.own.get(room);
    if (members) {
      members.delete(clientId);
      if (members.size === 0) this.own.delete(room);
    }
    await this.guard(
      this.scripts.run(
        PRESENCE_REMOVE,
        [this.keys.roomMembers(room)],
        [clientId, this.keys.roomFeed(room), room, this.keys.prefix],
      ),
    );
  }

  async list(room: string): Promise<PresenceMember[]> {
    const raw = (await this.send(['HGETALL', this.keys.roomMembers(room)])) as Record<string, string> | string[];
    const values = Array.isArray(raw) ? raw.filter((_, i) => i % 2 === 1) : Object.values(raw);
    return values.map((v) => JSON.parse(v.slice(v.indexOf(' ') + 1)) as PresenceMember);
  }

  /**
   * Refresh this node's liveness and sweep dead nodes. Returns the nodes swept. When this node's
   * key had vanished, or a write failed earlier, Redis is brought back in line with `own`.
   */
  async heartbeat(ttlMs: number, first: boolean): Promise<string[]> {
    const existed = await this.scripts.run(
      HEARTBEAT,
      [this.keys.nodeAlive(), this.keys.nodes],
      [ttlMs, this.keys.nodeId, Date.now()],
    );
    if ((Number(existed) === 0 && !first) || this.dirty) await this.reconcile();
    const swept = (await this.scripts.run(
      SWEEP_DEAD_NODES,
      [this.keys.nodes],
      [this.keys.prefix, this.keys.nodeId],
    )) as string[];
    return swept;
  }

  /** Remove what a previous process with this nodeId left behind, or everything on shutdown. */
  async clearOwn(): Promise<void> {
    await this.scripts.run(CLEAR_OWN_NODE, [], [this.keys.prefix, this.keys.nodeId]);
  }

  /** Stop announcing this node: its key goes, and its members leave everywhere. */
  async leave(): Promise<void> {
    this.own.clear();
    await this.clearOwn();
    await this.send(['DEL', this.keys.nodeAlive()]);
    await this.send(['ZREM', this.keys.nodes, this.keys.nodeId]);
  }

  /** Make Redis hold exactly this node's members: remove strays, put back the missing. */
  private async reconcile(): Promise<void> {
    this.dirty = false;
    try {
      const held = (await this.send(['SMEMBERS', this.keys.nodeMembers()])) as string[];
      for (const entry of held) {
        const sp = entry.indexOf(' ');
        const room = entry.slice(0, sp);
        const clientId = entry.slice(sp + 1);
        if (!this.own.get(room)?.has(clientId)) {
          await this.scripts.run(
            PRESENCE_REMOVE,
            [this.keys.roomMembers(room)],
            [clientId, this.keys.roomFeed(room), room, this.keys.prefix],
          );
        }
      }
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await this.scripts.run(
          RESTORE_MEMBERS,
          [this.keys.nodeMembers()],
          [this.keys.prefix, this.keys.nodeId, ...batch],
        );
        batch = [];
      };
      for (const [room, members] of this.own) {
        for (const [clientId, json] of members) {
          batch.push(room, clientId, json);
          if (batch.length >= RESTORE_BATCH * 3) await flush();
        }
      }
      await flush();
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  private async guard(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}

/** A presence frame from a room's feed: 'p' + kind + JSON array (see scripts.ts). */
export function parsePresenceFrame(frame: string): PresenceDiff | undefined {
  const members = JSON.parse(frame.slice(2)) as PresenceMember[];
  switch (frame[1]) {
    case 'j':
      return { joined: members, left: [], updated: [] };
    case 'u':
      return { joined: [], left: [], updated: members };
    case 'l':
      return { joined: [], left: members, updated: [] };
    default:
      return undefined;
  }
}

/**
 * What this hub last reported about each room's members, in join order (the pages the acks serve).
 * Pub/sub drops diffs sent while the subscriber connection is away, so after a reconnection the
 * stored members are compared with this view and the difference is reported as one diff: presence
 * converges, as state should.
 */
export class RosterView {
  private readonly rooms = new Map<string, PresenceRoster>();

  track(room: string, members: PresenceMember[]): void {
    const roster = new PresenceRoster();
    for (const m of members) roster.set(m);
    this.rooms.set(room, roster);
  }

  forget(room: string): void {
    this.rooms.delete(room);
  }

  apply(room: string, diff: PresenceDiff): void {
    const roster = this.rooms.get(room);
    if (!roster) return;
    for (const m of diff.joined) roster.set(m);
    for (const m of diff.updated) roster.set(m);
    for (const m of diff.left) roster.remove(m.clientId);
  }

  page(room: string, cursor?: string): PresencePage {
    return (this.rooms.get(room) ?? PresenceRoster.empty).page(cursor);
  }

  count(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** The diff from the last reported view to `members` (undefined when nothing changed). */
  reconcile(room: string, members: PresenceMember[]): PresenceDiff | undefined {
    const roster = this.rooms.get(room);
    if (!roster) return undefined;
    const diff: PresenceDiff = { joined: [], left: [], updated: [] };
    const now = new Map(members.map((m) => [m.clientId, m]));
    for (const m of roster.values()) {
      if (!now.has(m.clientId)) diff.left.push(m);
    }
    for (const [clientId, m] of now) {
      const before = roster.get(clientId);
      if (before === undefined) diff.joined.push(m);
      else if (canonical(before) !== canonical(m)) diff.updated.push(m);
    }
    // Applied rather than rebuilt, so members keep their place and open cursors stay valid.
    this.apply(room, diff);
    return diff.joined.length + diff.left.length + diff.updated.length > 0 ? diff : undefined;
  }
}

function canonical(m: PresenceMember): string {
  return JSON.stringify({ clientId: m.clientId, sub: m.sub, name: m.name, state: m.state });
}
