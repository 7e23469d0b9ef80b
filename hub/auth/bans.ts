/** Bans by `sub`, kept in the engine's record store so they survive restarts and reach every hub. */
import type { RecordStore } from '../core/engine.js';
import { asJson } from '../protocol/index.js';

export interface Ban {
  sub: string;
  until: number;
  reason: string;
  by: string;
  at: number;
}

const KIND = 'ban';

export class BanList {
  constructor(
    private readonly store: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  async ban(ban: Ban): Promise<void> {
    await this.store.put(KIND, ban.sub, asJson(ban), Math.max(1, ban.until - this.now()));
  }

  async unban(sub: string): Promise<boolean> {
    const existed = (await this.store.get(KIND, sub)) !== undefined;
    await this.store.delete(KIND, sub);
    return existed;
  }

  /** The ban in force for a user, if any. */
  async find(sub: string): Promise<Ban | undefined> {
    const ban = (await this.store.get(KIND, sub)) as unknown as Ban | undefined;
    return ban && ban.until > this.now() ? ban : undefined;
  }

  async list(): Promise<Ban[]> {
    const now = this.now();
    return (await this.store.list(KIND)).map((r) => r.value as unknown as Ban).filter((b) => b.until > now);
  }
}
