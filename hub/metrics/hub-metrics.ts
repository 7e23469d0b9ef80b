/**
 * The hub's Prometheus metrics, in a registry of its own (never prom-client's global one, so two
 * hubs in one process do not mix). Traffic counters are read from the core's running totals at
 * scrape time; the hot path only pays for what has no running total (latency, closes, refusals).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ADMIN_ROOM } from '../protocol/index.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { CoreObserver } from '../core/core-types.js';
import type { TrafficTotals } from '../core/traffic.js';
import { EventLoopLag } from './event-loop-lag.js';
import { memoryUsage } from './process-usage.js';
import { refusalReason, type RefusalLike } from './refusal-reason.js';

const PREFIX = 'insight_hub_';

/** What the server's connection guard counts before HTTP. */
export interface SocketCounts {
  readonly total: number;
  readonly ceiling: number;
  readonly refused: ReadonlyMap<string, number>;
}
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HubMetrics {
  readonly registry = new Registry();
  private readonly lag = new EventLoopLag();
  private readonly closes: Counter<'code'>;
  private readonly slowConsumers: Counter;
  private readonly refusals: Counter<'reason' | 'status'>;
  private readonly errors: Counter<'code'>;
  private readonly latency: Histogram;

  constructor(core: ExtensionHost, sockets?: SocketCounts) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name: PREFIX + name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge('connections', 'Open WebSocket connections on this hub.', () => core.sessions.size);
    gauge(
      'rooms',
      'Rooms with members on this hub.',
      () => core.registry.size - (core.registry.has(ADMIN_ROOM) ? 1 : 0),
    );
    gauge('history_messages', 'Messages held in room history by the engine.', () => core.engine.historySize());
    gauge('engine_up', '1 while the engine (memory or Redis) is reachable, else 0.', () =>
      core.engine.state === 'up' ? 1 : 0,
    );
    let rss = 0;
    gauge('process_resident_memory_bytes', 'Resident set size of the hub process.', () => (rss = memoryUsage(rss).rss));
    gauge('process_heap_used_bytes', 'V8 heap in use.', () => memoryUsage().heapUsed);

    const history = core.engine.historyBytes?.bind(core.engine);
    if (history) {
      gauge('history_bytes', 'Estimated bytes of history kept across all rooms (memory engine).', () => history().used);
      gauge(
        'history_budget_bytes',
        'The hub-wide history budget; past it the oldest messages anywhere are evicted.',
        () => history().budget,
      );
      mirroredCounter(
        registers,
        'history_evicted_total',
        'Messages evicted to keep history within the hub-wide budget.',
        [],
        () => [[{}, history().evicted]],
      );
    }
    mirroredCounter(
      registers,
      'callback_errors_total',
      'Timer and event callbacks that threw and were survived, by callback.',
      ['where'],
      () => [...core.guard.errors].map(([where, n]) => [{ where }, n]),
    );
    if (sockets) {
      gauge('tcp_connections', 'Open TCP connections (WebSocket, HTTP and not yet identified).', () => sockets.total);
      gauge(
        'tcp_connection_ceiling',
        'TCP connections accepted at most: the configured cap, below the descriptor limit.',
        () => sockets.ceiling,
      );
      mirroredCounter(
        registers,
        'tcp_refused_total',
        'TCP connections closed before HTTP, by reason (per_ip, total, header_timeout, accept_failed).',
        ['reason'],
        () => [...sockets.refused].map(([reason, n]) => [{ reason }, n]),
      );
    }

    const traffic = (read: (t: TrafficTotals) => [number, number]) => (): Array<[{ direction: string }, number]> => {
      const [inbound, outbound] = read(core.traffic.total);
      return [
        [{ direction: 'in' }, inbound],
        [{ direction: 'out' }, outbound],
      ];
    };
    mirroredCounter(
      registers,
      'messages_total',
      'Messages received from and delivered to clients.',
      ['direction'],
      traffic((t) => [t.messagesIn, t.messagesOut]),
    );
    mirroredCounter(
      registers,
      'bytes_total',
      'Frame bytes received from and delivered to clients.',
      ['direction'],
      traffic((t) => [t.bytesIn, t.bytesOut]),
    );

    let cpuSeen = 0;
    new Counter({
      name: PREFIX + 'process_cpu_seconds_total',
      help: 'User and system CPU time of the hub process.',
      registers,
      collect() {
        const { user, system } = process.cpuUsage();
        const total = (user + system) / 1e6;
        if (total > cpuSeen) this.inc(total - cpuSeen);
        cpuSeen = total;
      },
    });

    const lag = this.lag;
    const lagGauge = new Gauge({
      name: PREFIX + 'event_loop_lag_seconds',
      help: 'Event-loop lag over the last second: mean, p99 and max.',
      labelNames: ['stat'],
      registers,
      collect() {
        const w = lag.last;
        lagGauge.set({ stat: 'mean' }, w.meanMs / 1000);
        lagGauge.set({ stat: 'p99' }, w.p99Ms / 1000);
        lagGauge.set({ stat: 'max' }, w.maxMs / 1000);
      },
    });

    this.closes = new Counter({
      name: PREFIX + 'closes_total',
      help: 'Closed connections by close code.',
      labelNames: ['code'],
      registers,
    });
    this.slowConsumers = new Counter({
      name: PREFIX + 'slow_consumer_closes_total',
      help: 'Connections closed with 4008 because their send queue passed the cap.',
      registers,
    });
    this.refusals = new Counter({
      name: PREFIX + 'upgrades_refused_total',
      help: 'WebSocket upgrades refused before 101, by reason and HTTP status.',
      labelNames: ['reason', 'status'],
      registers,
    });
    this.errors = new Counter({
      name: PREFIX + 'errors_total',
      help: 'Error answers sent to clients, by code.',
      labelNames: ['code'],
      registers,
    });
    this.latency = new Histogram({
      name: PREFIX + 'delivery_latency_seconds',
      help: 'From publish (message time) to fan-out on this hub.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  start(): this {
    this.lag.start();
    return this;
  }

  stop(): void {
    this.lag.stop();
  }

  /** What the core tells the metrics. */
  readonly observer: CoreObserver = {
    disconnected: (_session, code) => this.closes.inc({ code: String(code) }),
    slowConsumer: () => this.slowConsumers.inc(),
    refused: (_session, code) => this.errors.inc({ code }),
    delivered: (msg) => this.latency.observe(Math.max(0, Date.now() - msg.time) / 1000),
  };

  /** A refused upgrade (from the hub's refusal listeners). */
  upgradeRefused(refusal: RefusalLike): void {
    this.refusals.inc({ reason: refusalReason(refusal), status: String(refusal.status) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * A counter whose values are kept elsewhere (the core's running totals); each scrape adds what is
 * new, and inc(0) on the first scrape makes every known series appear before anything happened.
 */
function mirroredCounter<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: L[],
  read: () => Array<[Partial<Record<L, string>>, number]>,
): void {
  const seen = new Map<string, number>();
  new Counter({
    name: PREFIX + name,
    help,
    labelNames,
    registers,
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels);
        this.inc(labels as never, Math.max(0, value - (seen.get(key) ?? 0)));
        seen.set(key, Math.max(seen.get(key) ?? 0, value));
      }
    },
  });
}
