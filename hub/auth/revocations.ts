/** Revoked token ids (`jti`) and invite use counts, shared through the engine's record store. */
import type { RecordStore } from '../core/engine.js';

export class Revocations {
  constructor(private readonly store: RecordStore) {}

  async revoke(jti: string, untilMs: number): Promise<void> {
    await this.store.put('revoked', jti, true, Math.max(1, untilMs - Date.now()));
  }

  async isRevoked(jti: string | undefined): Promise<boolean> {
    return jti !== undefined && (await this.store.get('revoked', jti)) !== undefined;
  }

  /** Uses counted so far for a limited token. */
  async uses(jti: string): Promise<number> {
    return Number((await this.store.get('uses', jti)) ?? 0);
  }

  /** Count one use of a limited token; returns false once it is used up. */
  async use(jti: string, maxUses: number, untilMs: number): Promise<boolean> {
    const uses = await this.store.increment('uses', jti, 1, Math.max(1, untilMs - Date.now()));
    return uses <= maxUses;
  }
}
