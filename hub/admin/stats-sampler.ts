/**
 * The `stats` event: once a second, aggregates per room and for the hub (clients, messages and
 * bytes in/out per second) and the process (RSS, heap, event-loop lag, CPU). Rates come from the
 * core's running traffic totals, so nothing is counted twice on the hot path. Only the busiest
 * rooms are listed; the rest are counted in `roomsOmitted`.
 */
import { isHubRoom, type RoomRates, type StatsEvent } from '../protocol/index.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { TrafficTotals } from '../core/traffic.js';
import { EventLoopLag } from '../metrics/event-loop-lag.js';
import { ProcessUsage } from '../metrics/process-usage.js';

export type { RoomRates };
/** A `stats` event before the cluster view adds the hubs. */
export type StatsSample = Omit<StatsEvent, 'startedAt' | 'version' | 'hubs' | 'cluster'>;

const copy = (t: TrafficTotals): TrafficTotals => ({ ...t });

export class StatsSampler {
  private readonly lag: EventLoopLag;
  private readonly usage = new ProcessUsage();
  private previousTotal: TrafficTotals;
  private readonly previousRooms = new Map<string, TrafficTotals>();
  private previousAt = performance.now();

  constructor(
    private readonly core: ExtensionHost,
    private readonly maxRooms: number,
    intervalMs: number,
  ) {
    this.lag = new EventLoopLag(intervalMs);
    this.previousTotal = copy(core.traffic.total);
  }

  start(): this {
    this.lag.start();
    return this;
  }

  stop(): void {
    this.lag.stop();
  }

  /** Rates since the previous sample. Call once per interval, whether or not anyone watches. */
  sample(): StatsSample {
    const at = performance.now();
    const seconds = Math.max(0.001, (at - this.previousAt) / 1000);
    this.previousAt = at;
    const rooms: RoomRates[] = [];
    for (const [room, totals] of this.core.traffic.rooms) {
      const previous = this.previousRooms.get(room);
      const r = rates(totals, previous, seconds);
      const clients = this.core.registry.membersOf(room)?.size ?? 0;
      const active = r.messagesInPerSec > 0 || r.messagesOutPerSec > 0;
      if (clients === 0 && !active) {
        // Gone from this hub and quiet: stop tracking it so the totals map does not grow forever.
        this.core.traffic.forget(room);
        this.previousRooms.delete(room);
        continue;
      }
      this.previousRooms.set(room, copy(totals));
      if (!isHubRoom(room)) rooms.push({ room, clients, ...r });
    }
    for (const room of this.core.registry.rooms()) {
      if (!isHubRoom(room) && !this.core.traffic.rooms.has(room)) {
        rooms.push({
          room,
          clients: this.core.registry.membersOf(room)?.size ?? 0,
          ...rates(undefined, undefined, seconds),
        });
      }
    }
    const total = rates(this.core.traffic.total, this.previousTotal, seconds);
    this.previousTotal = copy(this.core.traffic.total);
    rooms.sort((a, b) => activity(b) - activity(a) || b.clients - a.clients || (a.room < b.room ? -1 : 1));
    const listed = rooms.slice(0, this.maxRooms);
    const process = this.usage.sample();
    const lag = this.lag.last;
    return {
      intervalMs: Math.round(seconds * 1000),
      total: { clients: this.core.sessions.size, rooms: rooms.length, ...total },
      rooms: listed,
      roomsOmitted: rooms.length - listed.length,
      process: {
        ...process,
        eventLoopLagMs: { mean: round(lag.meanMs), p99: round(lag.p99Ms), max: round(lag.maxMs) },
      },
      engine: { name: this.core.engine.name, state: this.core.engineHealth, node: this.core.engine.nodeId },
      historyMessages: this.core.engine.historySize(),
      // The hub-wide history budget (memory engine): estimated bytes kept, the budget, messages evicted for it.
      ...(this.core.engine.historyBytes ? { historyBytes: this.core.engine.historyBytes() } : {}),
      // The last time the hub's process was away (computer asleep, process stopped), if it was.
      sleep: this.core.sleepWatch.last ?? null,
    };
  }
}

function rates(
  now: TrafficTotals | undefined,
  before: TrafficTotals | undefined,
  seconds: number,
): Omit<RoomRates, 'room' | 'clients'> {
  // A room forgotten and seen again starts from zero: never report a negative rate.
  const d = (k: keyof TrafficTotals): number => round(Math.max(0, (now?.[k] ?? 0) - (before?.[k] ?? 0)) / seconds);
  return {
    messagesInPerSec: d('messagesIn'),
    bytesInPerSec: d('bytesIn'),
    messagesOutPerSec: d('messagesOut'),
    bytesOutPerSec: d('bytesOut'),
  };
}

const activity = (r: RoomRates): number => r.messagesInPerSec + r.messagesOutPerSec;
const round = (n: number): number => Math.round(n * 100) / 100;
