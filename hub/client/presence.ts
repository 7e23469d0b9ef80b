/** A room's presence as this client sees it: the ack's member list, then the hub's diffs. */
import type { PresenceMember, PresenceMessage } from '../protocol/index.js';
import type { PresenceChange } from './types.js';

export class PresenceView {
  private byClient = new Map<string, PresenceMember>();

  get members(): PresenceMember[] {
    return [...this.byClient.values()];
  }

  /** After a (re)subscribe the ack's list is the truth; returns the change from what we had. */
  replace(members: readonly PresenceMember[]): PresenceChange {
    const next = new Map(members.map((m) => [m.clientId, m] as const));
    const change: PresenceChange = { joined: [], left: [], updated: [] };
    for (const [id, m] of next) {
      const before = this.byClient.get(id);
      if (!before) change.joined.push(m);
      else if (JSON.stringify(before) !== JSON.stringify(m)) change.updated.push(m);
    }
    for (const [id, m] of this.byClient) if (!next.has(id)) change.left.push(m);
    this.byClient = next;
    return change;
  }

  apply(diff: PresenceMessage): PresenceChange {
    for (const m of diff.left) this.byClient.delete(m.clientId);
    for (const m of diff.joined) this.byClient.set(m.clientId, m);
    for (const m of diff.updated) this.byClient.set(m.clientId, m);
    return { joined: diff.joined, left: diff.left, updated: diff.updated };
  }

  clear(): PresenceChange {
    return this.replace([]);
  }
}

export function isEmptyChange(change: PresenceChange): boolean {
  return change.joined.length === 0 && change.left.length === 0 && change.updated.length === 0;
}
