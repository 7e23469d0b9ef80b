/** Durable small records (bans, invites) for a single hub: a JSON file written atomically. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Json } from '../../protocol/index.js';
import type { RecordStore } from '../../core/engine.js';

interface Entry {
  value: Json;
  expiresAt?: number;
}

export class FileRecordStore implements RecordStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (file) this.load(file);
  }

  private load(file: string): void {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      return; // first run: nothing stored yet
    }
    try {
      const parsed = JSON.parse(raw) as Record<string, Entry>;
      for (const [k, v] of Object.entries(parsed)) this.entries.set(k, v);
    } catch {
      // A corrupt file is kept aside rather than silently overwritten.
      renameSync(file, `${file}.corrupt-${Date.now()}`);
    }
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.entries)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  async get(kind: string, key: string): Promise<Json | undefined> {
    return this.live(`${kind}/${key}`)?.value;
  }

  async put(kind: string, key: string, value: Json, ttlMs?: number): Promise<void> {
    this.entries.set(`${kind}/${key}`, { value, expiresAt: ttlMs ? this.now() + ttlMs : undefined });
    this.save();
  }

  async delete(kind: string, key: string): Promise<void> {
    if (this.entries.delete(`${kind}/${key}`)) this.save();
  }

  async list(kind: string): Promise<Array<{ key: string; value: Json }>> {
    const prefix = `${kind}/`;
    const out: Array<{ key: string; value: Json }> = [];
    for (const k of [...this.entries.keys()]) {
      if (!k.startsWith(prefix)) continue;
      const e = this.live(k);
      if (e) out.push({ key: k.slice(prefix.length), value: e.value });
    }
    return out;
  }

  async increment(kind: string, key: string, by: number, ttlMs?: number): Promise<number> {
    const k = `${kind}/${key}`;
    const e = this.live(k);
    const value = (typeof e?.value === 'number' ? e.value : 0) + by;
    this.entries.set(k, { value, expiresAt: e?.expiresAt ?? (ttlMs ? this.now() + ttlMs : undefined) });
    this.save();
    return value;
  }
}
