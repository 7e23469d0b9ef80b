/** The default engine: sequencing, history, presence and control inside one hub process. */
import { randomBytes } from 'node:crypto';
import type { PresenceMember, StreamPosition } from '../../protocol/index.js';
import {
  publishKeyId,
  type ControlCommand,
  type Engine,
  type EngineEvents,
  type HistoryPolicyFor,
  type HistoryResult,
  type PublishInput,
  type PublishResult,
  type RecordStore,
} from '../../core/engine.js';
import type { DurableRooms } from '../durable/durable-rooms.js';
import { PresenceRoster, type PresencePage } from '../../core/presence-roster.js';
import { HistoryWindow } from './history-window.js';
import { HistoryBudget, defaultHistoryBudgetBytes } from './history-budget.js';
import { FileRecordStore } from './record-store.js';
import { PublishKeys } from './publish-keys.js';

export interface MemoryEngineOptions {
  historyPolicy: HistoryPolicyFor;
  /** File for durable records (bans, invites); in memory only when absent. */
  recordsFile?: string;
  /** Estimated bytes of history across all rooms (default: a quarter of the heap limit). */
  historyBudgetBytes?: number;
  /** Rooms' history on disk (`--history sqlite`); in memory only when absent. */
  durable?: DurableRooms;
  now?: () => number;
}

const SWEEP_MS = 10_000;

export class MemoryEngine implements Engine {
  readonly name = 'memory';
  readonly capabilities = { shared: false };
  readonly nodeId = randomBytes(6).toString('base64url');
  readonly state = 'up';
  readonly records: RecordStore;
  private events!: EngineEvents;
  private readonly rooms = new Map<string, HistoryWindow>();
  /** Publish keys of each room, beside its window (same lifetime). */
  private readonly keys = new Map<string, PublishKeys>();
  private readonly subscribed = new Set<string>();
  private readonly presence = new Map<string, PresenceRoster>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  readonly budget: HistoryBudget;

  constructor(private readonly options: MemoryEngineOptions) {
    this.now = options.now ?? Date.now;
    this.budget = new HistoryBudget(options.historyBudgetBytes ?? defaultHistoryBudgetBytes());
    this.records = new FileRecordStore(options.recordsFile, this.now);
  }

  async start(events: EngineEvents): Promise<void> {
    this.events = events;
    this.options.durable?.restore(this.options.historyPolicy, this.now(), this.rooms, this.keys, this.budget);
    this.sweepTimer = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        this.events.failed?.('history_sweep', err);
      }
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.options.durable?.close();
  }

  private window(room: string): HistoryWindow {
    let w = this.rooms.get(room);
    if (!w) {
      w = new HistoryWindow(this.options.historyPolicy(room), this.budget);
      this.rooms.set(room, w);
      this.keys.delete(room);
      this.options.durable?.started(room, w);
    }
    return w;
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    const w = this.window(input.room);
    const now = this.now();
    const repeated = this.keys.get(input.room)?.find(input, w.epoch, now);
    if (repeated) return repeated;
    // On disk before it is in memory: what is acknowledged survives a kill; a failed write stores nothing.
    this.options.durable?.write(input, w, this.options.historyPolicy(input.room));
    const stored = w.append(input, now);
    if (input.key !== undefined) this.keyring(input.room).remember(publishKeyId(input.from.sub, input.key), stored);
    if (this.subscribed.has(input.room)) this.events.message(stored);
    return stored;
  }

  private keyring(room: string): PublishKeys {
    let k = this.keys.get(room);
    if (!k) {
      k = new PublishKeys(this.options.historyPolicy(room));
      this.keys.set(room, k);
    }
    return k;
  }

  async probe(): Promise<void> {}

  async history(room: string, since?: StreamPosition | null, limit?: number): Promise<HistoryResult> {
    const w = this.window(room);
    if (since === undefined) return { position: w.position, messages: limit ? w.latest(limit, this.now()) : [] };
    return { position: w.position, ...w.since(since, this.now()) };
  }

  async subscribe(room: string): Promise<void> {
    this.subscribed.add(room);
  }

  async unsubscribe(room: string): Promise<void> {
    this.subscribed.delete(room);
  }

  async presenceSet(room: string, member: PresenceMember): Promise<void> {
    let members = this.presence.get(room);
    if (!members) {
      members = new PresenceRoster();
      this.presence.set(room, members);
    }
    const joined = members.set(member);
    this.events.presence(
      room,
      joined ? { joined: [member], left: [], updated: [] } : { joined: [], left: [], updated: [member] },
    );
  }

  async presenceRemove(room: string, clientId: string): Promise<void> {
    const members = this.presence.get(room);
    const member = members?.remove(clientId);
    if (!members || !member) return;
    if (members.size === 0) this.presence.delete(room);
    this.events.presence(room, { joined: [], left: [member], updated: [] });
  }

  async presenceList(room: string): Promise<PresenceMember[]> {
    return this.presence.get(room)?.values() ?? [];
  }

  presencePage(room: string, cursor?: string): PresencePage {
    return (this.presence.get(room) ?? PresenceRoster.empty).page(cursor);
  }

  presenceCount(room: string): number {
    return this.presence.get(room)?.size ?? 0;
  }

  async control(cmd: ControlCommand): Promise<void> {
    this.events.control(cmd);
  }

  historySize(): number {
    let n = 0;
    for (const w of this.rooms.values()) n += w.size;
    return n;
  }

  historyBytes(): { used: number; budget: number; evicted: number } {
    return { used: this.budget.used, budget: this.budget.maxBytes, evicted: this.budget.evicted };
  }

  /** Trim by age and forget rooms nobody listens to and whose history is gone. */
  private sweep(): void {
    const now = this.now();
    for (const [room, w] of this.rooms) {
      w.trim(now);
      if (w.size === 0 && !this.subscribed.has(room)) {
        this.rooms.delete(room);
        this.keys.delete(room);
        this.options.durable?.dropped(room);
      } else this.options.durable?.trimmed(room, w);
    }
  }
}
