/** The hub and Redis processes one fault test starts, all stopped after it. */
import type { HubOptionsInput } from '../../../hub/server/options.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';
import { startHubProcess, type HubProcess } from './hub-process.js';

export class FaultProcesses {
  private hubs: HubProcess[] = [];
  private redisServer: RedisServerHandle | undefined;

  async hub(settings: HubOptionsInput = {}): Promise<HubProcess> {
    const hub = await startHubProcess(settings);
    this.hubs.push(hub);
    return hub;
  }

  async redis(): Promise<RedisServerHandle> {
    this.redisServer ??= await startRedisServer();
    return this.redisServer;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.hubs.map((h) => h.stop()));
    await this.redisServer?.stop();
    this.hubs = [];
    this.redisServer = undefined;
  }
}

export const FAULT_TIMEOUT = { timeout: process.env.FAULT_PROFILE === 'long' ? 900_000 : 240_000 };
