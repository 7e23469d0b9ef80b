/**
 * The audit log: one JSON line per admin action, denied admin attempt and refused upgrade, in the
 * data directory. `append` returns only once the line is written (and, when durable, fsynced), so
 * callers write first and act after; a line that cannot be written stops the action. Rotated by
 * size into `audit.log.1` … `audit.log.N`; paged newest first across the rotated files.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry, AuditKind, AuditPage } from '../protocol/index.js';

export type { AuditEntry, AuditKind, AuditPage };

/** What a caller records (the log adds `seq` and `time`). Never a token: only its `jti`, `sub` and claims. */
export type AuditRecord = Omit<AuditEntry, 'seq' | 'time'>;

export interface AuditQuery {
  limit: number;
  /** Only entries with a smaller `seq` (the `next` of the previous page). */
  before?: number;
  kind?: AuditKind;
  sub?: string;
  action?: string;
}

export interface AuditLogOptions {
  dir: string;
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  now?: () => number;
}

const FILE = 'audit.log';
const TAIL_BYTES = 64 * 1024;

export class AuditLog {
  readonly file: string;
  private readonly keep: number;
  private readonly now: () => number;
  private seq = 0;
  private size = 0;
  /** The file ends in a line cut short (a crash mid-write): start the next entry on a new line. */
  private brokenTail = false;
  private readonly listeners: Array<(entry: AuditEntry) => void> = [];

  constructor(private readonly options: AuditLogOptions) {
    this.file = join(options.dir, FILE);
    this.keep = options.keep ?? 5;
    this.now = options.now ?? Date.now;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.recover();
  }

  /** Called after each entry is written (the admin feed's `audit` event). */
  onEntry(fn: (entry: AuditEntry) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Write one entry. `durable` also fsyncs (admin actions: rare, and must not be lost); denials and
   * refusals are only written, so a flood of bad upgrades cannot make the hub wait on the disk.
   * Throws when the entry could not be written.
   */
  append(record: AuditRecord, durable: boolean): AuditEntry {
    const entry: AuditEntry = { seq: this.seq + 1, time: this.now(), ...record };
    let line = JSON.stringify(entry) + '\n';
    if (this.size > 0 && this.size + Buffer.byteLength(line) > this.options.maxBytes) this.rotate();
    if (this.brokenTail) line = '\n' + line;
    const bytes = Buffer.byteLength(line);
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, line);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.seq = entry.seq;
    this.size += bytes;
    this.brokenTail = false;
    for (const fn of this.listeners) {
      try {
        fn(entry);
      } catch {
        // The entry is written; a failing listener must not make the caller think otherwise.
      }
    }
    return entry;
  }

  /** Newest first, across the current and rotated files. */
  page(query: AuditQuery): AuditPage {
    const entries: AuditEntry[] = [];
    for (const file of this.files()) {
      const lines = readLines(file);
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = parseEntry(lines[i]);
        if (!entry || !matches(entry, query)) continue;
        entries.push(entry);
        if (entries.length > query.limit)
          return { entries: entries.slice(0, query.limit), next: entries[query.limit - 1].seq };
      }
    }
    return { entries, next: null };
  }

  /** The current file first, then `.1` (newer) … `.N` (oldest). */
  private files(): string[] {
    const files = [this.file];
    for (let i = 1; i <= this.keep; i++) files.push(`${this.file}.${i}`);
    return files.filter((f) => existsSync(f));
  }

  private rotate(): void {
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.file}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
    this.size = 0;
    this.brokenTail = false;
  }

  /** Continue numbering after the last entry written by an earlier run. */
  private recover(): void {
    try {
      const stat = statSync(this.file);
      this.size = stat.isFile() ? stat.size : 0;
      this.brokenTail = this.size > 0 && !endsWithNewline(this.file, this.size);
    } catch {
      this.size = 0;
    }
    for (const file of this.files()) {
      const last = lastEntry(file);
      if (last) {
        this.seq = last.seq;
        return;
      }
    }
  }
}

function matches(entry: AuditEntry, q: AuditQuery): boolean {
  if (q.before !== undefined && entry.seq >= q.before) return false;
  if (q.kind !== undefined && entry.kind !== q.kind) return false;
  if (q.sub !== undefined && entry.sub !== q.sub) return false;
  if (q.action !== undefined && entry.action !== q.action) return false;
  return true;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return []; // rotated away between listing and reading
  }
}

/** A line cut short by a crash is skipped, not fatal. */
function parseEntry(line: string): AuditEntry | undefined {
  if (line.length === 0) return undefined;
  try {
    const value = JSON.parse(line) as AuditEntry;
    return typeof value === 'object' && value !== null && Number.isSafeInteger(value.seq) ? value : undefined;
  } catch {
    return undefined;
  }
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

function lastEntry(file: string): AuditEntry | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const entry = parseEntry(lines[i]);
      if (entry) return entry;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
