/** The default engine: sequencing, history, presence and control inside one hub process. */
import { randomBytes } from 'node:crypto';
import type { PresenceMember, StreamPosition } from '../../protocol/index.js';
import type {
  ControlCommand,
  Engine,
  EngineEvents,
  EngineMessage,
  HistoryPolicyFor,
  HistoryResult,
  PublishInput,
  RecordStore,
} from '../../core/engine.js';
import { HistoryWindow } from './history-window.js';
import { FileRecordStore } from './record-store.js';

export interface MemoryEngineOptions {
  historyPolicy: HistoryPolicyFor;
  /** File for durable records (bans, invites); in memory only when absent. */
  recordsFile?: string;
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
  private readonly subscribed = new Set<string>();
  private readonly presence = new Map<string, Map<string, PresenceMember>>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: MemoryEngineOptions) {
    this.now = options.now ?? Date.now;
    this.records = new FileRecordStore(options.recordsFile, this.now);
  }

  async start(events: EngineEvents): Promise<void> {
    this.events = events;
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  private window(room: string): HistoryWindow {
    let w = this.rooms.get(room);
    if (!w) {
      w = new HistoryWindow(this.options.historyPolicy(room));
      this.rooms.set(room, w);
    }
    return w;
  }

  async publish(input: PublishInput): Promise<EngineMessage> {
    const stored = this.window(input.room).append(input, this.now());
    if (this.subscribed.has(input.room)) this.events.message(stored);
    return stored;
  }

  async history(room: string, since?: StreamPosition | null): Promise<HistoryResult> {
    const w = this.window(room);
    if (since === undefined) return { position: w.position, messages: [] };
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
      members = new Map();
      this.presence.set(room, members);
    }
    const known = members.has(member.clientId);
    members.set(member.clientId, member);
    this.events.presence(room, known ? { joined: [], left: [], updated: [member] } : { joined: [member], left: [], updated: [] });
  }

  async presenceRemove(room: string, clientId: string): Promise<void> {
    const members = this.presence.get(room);
    const member = members?.get(clientId);
    if (!members || !member) return;
    members.delete(clientId);
    if (members.size === 0) this.presence.delete(room);
    this.events.presence(room, { joined: [], left: [member], updated: [] });
  }

  async presenceList(room: string): Promise<PresenceMember[]> {
    return [...(this.presence.get(room)?.values() ?? [])];
  }

  async control(cmd: ControlCommand): Promise<void> {
    this.events.control(cmd);
  }

  historySize(): number {
    let n = 0;
    for (const w of this.rooms.values()) n += w.size;
    return n;
  }

  /** Trim by age and forget rooms nobody listens to and whose history is gone. */
  private sweep(): void {
    const now = this.now();
    for (const [room, w] of this.rooms) {
      w.trim(now);
      if (w.size === 0 && !this.subscribed.has(room)) this.rooms.delete(room);
    }
  }
}
