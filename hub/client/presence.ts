/**
 * A room's presence as this client sees it. The hub sends a bounded first page of members with the
 * count; the view holds the members it has learned (that page, pages fetched on request, and
 * everyone the diffs name) and the exact count. In a big room the diffs name plain viewers joining
 * only once the client has asked for pages; after paging to the end the members are the whole
 * roster and the diffs keep it so. Without paging, the count and the active people are exact.
 */
import type { PresenceMember, PresenceMessage, SubscribeAck } from '../protocol/index.js';
import type { PresenceChange } from './types.js';

export class PresenceView {
  private byClient = new Map<string, PresenceMember>();
  /** Members in the room (everyone, not only those known here). */
  count = 0;
  /** Cursor of the next page to fetch; undefined once every page has been read. */
  next: string | undefined;

  get members(): PresenceMember[] {
    return [...this.byClient.values()];
  }

  /** Whether `members` is the whole roster. */
  get complete(): boolean {
    return this.next === undefined;
  }

  /**
   * After a (re)subscribe the ack is the truth: its page replaces what we knew. Members known from
   * later pages are dropped (they may have left while we were away) without being reported as left
   * unless the ack's page is the whole roster.
   */
  replace(ack: Pick<SubscribeAck, 'members' | 'memberCount' | 'membersNext'>): PresenceChange {
    const next = new Map(ack.members.map((m) => [m.clientId, m] as const));
    const change: PresenceChange = { joined: [], left: [], updated: [] };
    for (const [id, m] of next) {
      const before = this.byClient.get(id);
      if (!before) change.joined.push(m);
      else if (JSON.stringify(before) !== JSON.stringify(m)) change.updated.push(m);
    }
    this.next = ack.membersNext;
    if (this.next === undefined) for (const [id, m] of this.byClient) if (!next.has(id)) change.left.push(m);
    this.byClient = next;
    this.count = ack.memberCount;
    return change;
  }

  /** A page fetched with `members`: adds who we did not know yet; returns them as joined. */
  addPage(members: readonly PresenceMember[], next: string | undefined): PresenceChange {
    const change: PresenceChange = { joined: [], left: [], updated: [] };
    for (const m of members) {
      if (!this.byClient.has(m.clientId)) change.joined.push(m);
      this.byClient.set(m.clientId, m);
    }
    this.next = next;
    return change;
  }

  /** A diff from the hub; its `count` (sent by every hub of this version) replaces ours. */
  apply(diff: PresenceMessage): PresenceChange {
    for (const m of diff.left) this.byClient.delete(m.clientId);
    for (const m of diff.joined) this.byClient.set(m.clientId, m);
    for (const m of diff.updated) this.byClient.set(m.clientId, m);
    this.count =
      typeof diff.count === 'number'
        ? diff.count
        : Math.max(this.byClient.size, this.count + diff.joined.length - diff.left.length);
    return { joined: diff.joined, left: diff.left, updated: diff.updated };
  }

  clear(): PresenceChange {
    return this.replace({ members: [], memberCount: 0 });
  }
}

export function isEmptyChange(change: PresenceChange): boolean {
  return change.joined.length === 0 && change.left.length === 0 && change.updated.length === 0;
}
