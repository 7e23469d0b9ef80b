/**
 * Presence diffs coalesced per room over a short window, so a burst of typing updates becomes one
 * frame per room: the last state per member wins, and a leave always goes out.
 */
import type { PresenceMember, PresenceMessage } from '../protocol/index.js';
import type { PresenceDiff } from './engine.js';

type Change = 'joined' | 'left' | 'updated';

export class PresenceCoalescer {
  private readonly pending = new Map<string, Map<string, { change: Change; member: PresenceMember }>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly windowMs: number,
    private readonly flushRoom: (message: PresenceMessage) => void,
  ) {}

  add(room: string, diff: PresenceDiff): void {
    let changes = this.pending.get(room);
    if (!changes) {
      changes = new Map();
      this.pending.set(room, changes);
    }
    for (const m of diff.joined) merge(changes, 'joined', m);
    for (const m of diff.updated) merge(changes, 'updated', m);
    for (const m of diff.left) merge(changes, 'left', m);
    if (!this.timer) this.timer = setTimeout(this.flush, this.windowMs);
  }

  readonly flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rooms = [...this.pending];
    this.pending.clear();
    for (const [room, changes] of rooms) {
      const message: PresenceMessage = { type: 'presence', room, joined: [], left: [], updated: [] };
      for (const { change, member } of changes.values()) message[change].push(member);
      if (message.joined.length + message.left.length + message.updated.length > 0) this.flushRoom(message);
    }
  };

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}

function merge(changes: Map<string, { change: Change; member: PresenceMember }>, change: Change, member: PresenceMember): void {
  const prior = changes.get(member.clientId);
  if (!prior) {
    changes.set(member.clientId, { change, member });
    return;
  }
  if (change === 'left') {
    // Even a member who joined within this window is reported as left: someone who subscribed
    // meanwhile already has it from the ack's `members`.
    changes.set(member.clientId, { change: 'left', member });
    return;
  }
  if (change === 'joined' && prior.change === 'left') {
    changes.set(member.clientId, { change: 'updated', member });
    return;
  }
  // Later state wins; a join stays a join.
  changes.set(member.clientId, { change: prior.change === 'joined' ? 'joined' : change, member });
}
