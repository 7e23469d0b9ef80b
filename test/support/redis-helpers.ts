/** Redis engine tests' support: an `EngineEvents` recorder that can wait, and engines on a test prefix. */
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';
import type { RoomMessage } from '../../hub/protocol/index.js';
import type { ControlCommand, EngineEvents, EngineState, PresenceDiff } from '../../hub/core/engine.js';
import { RedisEngine } from '../../hub/engines/redis/engine.js';
import type { RedisEngineOptions } from '../../hub/engines/redis/options.js';

/** Records what an engine reports, and waits for it. */
export class EngineRecorder implements EngineEvents {
  readonly messages: RoomMessage[] = [];
  readonly presenceDiffs: Array<{ room: string; diff: PresenceDiff }> = [];
  readonly controls: ControlCommand[] = [];
  readonly states: Array<{ state: EngineState; detail?: string }> = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  message(msg: RoomMessage): void {
    this.messages.push(msg);
    this.wake();
  }

  presence(room: string, diff: PresenceDiff): void {
    this.presenceDiffs.push({ room, diff });
    this.wake();
  }

  control(cmd: ControlCommand): void {
    this.controls.push(cmd);
    this.wake();
  }

  state(state: EngineState, detail?: string): void {
    this.states.push({ state, detail });
    this.wake();
  }

  messagesOf(room: string): RoomMessage[] {
    return this.messages.filter((m) => m.room === room);
  }

  /** Resolves once `check` holds; rejects after `timeoutMs` with `what` so a failure says what never happened. */
  until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { check, resolve: () => undefined as void };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }
}

export interface RunningEngine {
  engine: RedisEngine;
  events: EngineRecorder;
}

/** A key prefix of its own per test, so tests sharing a redis-server never see each other's rooms. */
export function testPrefix(): string {
  return `t${randomBytes(4).toString('hex')}:`;
}

export async function startEngine(
  url: string,
  overrides: Partial<RedisEngineOptions> & { keyPrefix: string },
): Promise<RunningEngine> {
  const engine = new RedisEngine({
    url,
    historyPolicy: () => ({ maxMessages: 1000, maxAgeMs: 600_000 }),
    heartbeatMs: 200,
    nodeTtlMs: 1_000,
    reconnectMaxDelayMs: 200,
    ...overrides,
  });
  const events = new EngineRecorder();
  await engine.start(events);
  return { engine, events };
}

/**
 * For tests that take Redis away: each `setup` starts a redis-server of its own and `n` engines on
 * it; everything is closed and stopped after each test. Call at the top level of a test file.
 */
export function privateRedisEngines(): (
  n: number,
  overrides?: Partial<RedisEngineOptions>,
) => Promise<{ redis: RedisServerHandle; hubs: RunningEngine[] }> {
  const servers: RedisServerHandle[] = [];
  const running: RunningEngine[] = [];
  afterEach(async () => {
    for (const s of servers) s.resume();
    await Promise.all(running.splice(0).map((r) => r.engine.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  return async (n, overrides = {}) => {
    const redis = await startRedisServer();
    servers.push(redis);
    const prefix = testPrefix();
    const hubs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        startEngine(redis.url, { keyPrefix: prefix, nodeId: `hub-${i}`, ...overrides }),
      ),
    );
    running.push(...hubs);
    return { redis, hubs };
  };
}
