/**
 * Bans, revoked invites and invite use counts, shared by every hub. Each record is a string key with
 * Redis's own TTL; a per-kind sorted set (score: expiry) lets `list` find them without SCAN.
 */
import type { Json } from '../../protocol/index.js';
import type { RecordStore } from '../../core/engine.js';
import type { RedisKeys } from './keys.js';
import { RECORD_DELETE, RECORD_INCREMENT, RECORD_PUT, type ScriptRunner, type SendCommand } from './scripts.js';

export class RedisRecordStore implements RecordStore {
  constructor(
    private readonly send: SendCommand,
    private readonly scripts: ScriptRunner,
    private readonly keys: RedisKeys,
    /** Bounds each call by the engine's timeout and names its failures (an upgrade's ban check waits on it). */
    private readonly guard: <T>(work: Promise<T>, what: string) => Promise<T> = (work) => work,
  ) {}

  async get(kind: string, key: string): Promise<Json | undefined> {
    const raw = (await this.guard(this.send(['GET', this.keys.record(kind, key)]), `${kind} lookup`)) as string | null;
    return raw === null ? undefined : (JSON.parse(raw) as Json);
  }

  async put(kind: string, key: string, value: Json, ttlMs?: number): Promise<void> {
    const recordKey = this.keys.record(kind, key);
    const json = JSON.stringify(value);
    const ttl = positiveTtl(ttlMs) ?? 0;
    const score = ttl ? String(Date.now() + ttl) : '+inf';
    await this.guard(
      this.scripts.run(RECORD_PUT, [recordKey, this.keys.recordIndex(kind)], [json, ttl, score, key]),
      `${kind} write`,
    );
  }

  async delete(kind: string, key: string): Promise<void> {
    await this.guard(
      this.scripts.run(RECORD_DELETE, [this.keys.record(kind, key), this.keys.recordIndex(kind)], [key]),
      `${kind} delete`,
    );
  }

  list(kind: string): Promise<Array<{ key: string; value: Json }>> {
    return this.guard(this.listAll(kind), `${kind} list`);
  }

  private async listAll(kind: string): Promise<Array<{ key: string; value: Json }>> {
    const index = this.keys.recordIndex(kind);
    // Expired records left their key behind in the index: drop those first.
    await this.send(['ZREMRANGEBYSCORE', index, '-inf', `(${Date.now()}`]);
    const names = (await this.send(['ZRANGE', index, '0', '-1'])) as string[];
    if (names.length === 0) return [];
    const values = (await this.send(['MGET', ...names.map((k) => this.keys.record(kind, k))])) as Array<string | null>;
    const out: Array<{ key: string; value: Json }> = [];
    names.forEach((key, i) => {
      const raw = values[i];
      if (raw !== null && raw !== undefined) out.push({ key, value: JSON.parse(raw) as Json });
    });
    return out;
  }

  async increment(kind: string, key: string, by: number, ttlMs?: number): Promise<number> {
    if (!Number.isInteger(by)) throw new TypeError('increment must be an integer');
    const reply = await this.guard(
      this.scripts.run(
        RECORD_INCREMENT,
        [this.keys.record(kind, key), this.keys.recordIndex(kind)],
        [by, positiveTtl(ttlMs) ?? 0, Date.now(), key],
      ),
      `${kind} count`,
    );
    return Number(reply);
  }
}

function positiveTtl(ttlMs: number | undefined): number | undefined {
  return ttlMs !== undefined && ttlMs > 0 ? Math.ceil(ttlMs) : undefined;
}
