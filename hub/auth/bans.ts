/** Bans by `sub`, kept in the engine's record store so they survive restarts and reach every hub. */
import type { RecordStore } from '../core/engine.js';
import { readBannedUser, type BannedUser } from '../protocol/index.js';

/** A ban as the store keeps it: the `list bans` row. */
export type Ban = BannedUser;

const KIND = 'ban';

export class BanList {
  constructor(
    private readonly store: RecordStore,
    private readonly now: () => number = Date.now,
    /** Told about a stored record that is not a ban (hand-edited, another version's): it is skipped. */
    private readonly corrupt: (key: string) => void = () => undefined,
  ) {}

  async ban(ban: Ban): Promise<void> {
    await this.store.put(KIND, ban.sub, ban, Math.max(1, ban.until - this.now()));
  }

  async unban(sub: string): Promise<boolean> {
    const existed = (await this.store.get(KIND, sub)) !== undefined;
    await this.store.delete(KIND, sub);
    return existed;
  }

  /** The ban in force for a user, if any. */
  async find(sub: string): Promise<Ban | undefined> {
    const value = await this.store.get(KIND, sub);
    const ban = value === undefined ? undefined : this.read(sub, value);
    return ban && ban.until > this.now() ? ban : undefined;
  }

  async list(): Promise<Ban[]> {
    const now = this.now();
    return (await this.store.list(KIND))
      .map((r) => this.read(r.key, r.value))
      .filter((b): b is Ban => b !== undefined && b.until > now);
  }

  private read(key: string, value: unknown): Ban | undefined {
    const ban = readBannedUser(value);
    if (!ban) this.corrupt(key);
    return ban;
  }
}
