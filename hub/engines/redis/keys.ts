/**
 * Every Redis key and channel the engine uses, in one place. A room's keys share a `{room}` hash
 * tag so they would live on one slot; the engine itself targets a single Redis primary.
 */

export class RedisKeys {
  constructor(
    readonly prefix: string,
    readonly nodeId: string,
  ) {}

  /** Hash `{epoch, seq}`: the room's position. */
  roomMeta(room: string): string {
    return `${this.prefix}{${room}}:meta`;
  }

  /** Stream of the room's messages; entry id `<seq>-0`, field `m` = message body. */
  roomLog(room: string): string {
    return `${this.prefix}{${room}}:log`;
  }

  /** Sorted set of the room's publish keys (`publishKeyId`, score: the seq it was stored at). */
  roomKeys(room: string): string {
    return `${this.prefix}{${room}}:keys`;
  }

  /** Hash clientId → `<nodeId> <member JSON>`. */
  roomMembers(room: string): string {
    return `${this.prefix}{${room}}:members`;
  }

  /** Pub/sub channel of a room: `m…` messages and `p…` presence diffs, in publish order. */
  roomFeed(room: string): string {
    return `${this.prefix}feed:${room}`;
  }

  /** Room name from its feed channel. */
  roomOfFeed(channel: string): string {
    return channel.slice(`${this.prefix}feed:`.length);
  }

  get control(): string {
    return `${this.prefix}control`;
  }

  /** Sorted set of every node that has registered (score: last heartbeat time). */
  get nodes(): string {
    return `${this.prefix}nodes`;
  }

  /** Exists while the node is alive (refreshed with a TTL). Lua builds the same names. */
  nodeAlive(nodeId = this.nodeId): string {
    return `${this.prefix}node:${nodeId}:alive`;
  }

  /** Set of `<room> <clientId>` this node holds presence for. */
  nodeMembers(nodeId = this.nodeId): string {
    return `${this.prefix}node:${nodeId}:members`;
  }

  record(kind: string, key: string): string {
    return `${this.prefix}rec:${kind}:${key}`;
  }

  /** Sorted set of a kind's record keys (score: expiry time, +inf for none). */
  recordIndex(kind: string): string {
    return `${this.prefix}recidx:${kind}`;
  }
}
