/**
 * The embedded engine's history on disk: each room's epoch, seq and kept messages in one SQLite file
 * (better-sqlite3, synchronous). A publish is one transaction, committed before the hub acknowledges it.
 *
 * WAL with synchronous=NORMAL: a committed transaction is in the WAL file (the OS holds it) before
 * `append` returns, so it survives the hub process being killed or crashing at any point; it is not
 * fsynced per publish, so an OS crash or power cut may lose the last moments (the file stays
 * consistent). FULL would fsync on every publish, blocking the event loop for every client on each one.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EngineMessage } from '../../core/engine.js';
import type { Json, Sender } from '../../protocol/index.js';

export interface StoredMessage {
  message: EngineMessage;
  /** `<sub> <key>` of a publish made with a key. */
  key?: string;
}

export interface StoredRoom {
  room: string;
  epoch: string;
  seq: number;
  /** Oldest first. */
  messages: StoredMessage[];
}

interface Body {
  event: string;
  data: Json;
  from: Sender;
  echo?: true;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  room TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, key TEXT, body TEXT NOT NULL,
  PRIMARY KEY (room, seq)
) WITHOUT ROWID;
`;

export class SqliteHistory {
  private readonly db: Database.Database;
  private readonly upsertRoom: Database.Statement;
  private readonly clearRoom: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly advance: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly removeRoom: Database.Statement;
  private readonly store: (msg: EngineMessage, key: string | null, keepFrom: number) => void;

  /** `synchronous` other than NORMAL is for measuring (FULL: an fsync per publish). */
  constructor(
    readonly file: string,
    synchronous: 'NORMAL' | 'FULL' = 'NORMAL',
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Room history is as private as the records beside it: owner only (SQLite gives its WAL the same mode).
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    this.db = new Database(file);
    try {
      // One hub per data directory: a second process sharing the file would interleave epochs.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous}`);
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      throw new Error(
        busy
          ? `history file ${file} is in use by another hub process`
          : `cannot open history file ${file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.upsertRoom = this.db.prepare(
      'INSERT INTO rooms (room, epoch, seq) VALUES (?, ?, ?) ON CONFLICT(room) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq',
    );
    this.clearRoom = this.db.prepare('DELETE FROM messages WHERE room = ?');
    this.insert = this.db.prepare('INSERT INTO messages (room, seq, time, key, body) VALUES (?, ?, ?, ?, ?)');
    this.advance = this.db.prepare('UPDATE rooms SET seq = ? WHERE room = ? AND epoch = ?');
    this.prune = this.db.prepare('DELETE FROM messages WHERE room = ? AND seq < ?');
    this.removeRoom = this.db.prepare('DELETE FROM rooms WHERE room = ?');
    this.store = this.db.transaction((msg: EngineMessage, key: string | null, keepFrom: number) => {
      const body: Body = { event: msg.event, data: msg.data, from: msg.from };
      if (msg.echo) body.echo = true;
      this.insert.run(msg.room, msg.seq, msg.time, key, JSON.stringify(body));
      if (this.advance.run(msg.seq, msg.room, msg.epoch).changes !== 1)
        throw new Error(`room ${msg.room} is not stored in epoch ${msg.epoch}`);
      this.prune.run(msg.room, keepFrom);
    });
  }

  /** Every stored room with its kept messages. */
  load(): StoredRoom[] {
    const rooms = new Map<string, StoredRoom>();
    for (const r of this.db.prepare('SELECT room, epoch, seq FROM rooms').all() as Array<{
      room: string;
      epoch: string;
      seq: number;
    }>) {
      rooms.set(r.room, { room: r.room, epoch: r.epoch, seq: r.seq, messages: [] });
    }
    const rows = this.db
      .prepare('SELECT room, seq, time, key, body FROM messages ORDER BY room, seq')
      .iterate() as IterableIterator<{
      room: string;
      seq: number;
      time: number;
      key: string | null;
      body: string;
    }>;
    for (const row of rows) {
      const room = rooms.get(row.room);
      if (!room || row.seq > room.seq) continue;
      const body = JSON.parse(row.body) as Body;
      const message: EngineMessage = {
        type: 'message',
        room: row.room,
        epoch: room.epoch,
        seq: row.seq,
        event: body.event,
        data: body.data,
        from: body.from,
        time: row.time,
      };
      if (body.echo) message.echo = true;
      room.messages.push(row.key === null ? { message } : { message, key: row.key });
    }
    return [...rooms.values()];
  }

  /** A room begins an epoch (new, or after it was forgotten): what was stored for it before goes. */
  startRoom(room: string, epoch: string, seq: number): void {
    this.db.transaction(() => {
      this.clearRoom.run(room);
      this.upsertRoom.run(room, epoch, seq);
    })();
  }

  /** Store one message and drop those before `keepFrom`, in one transaction. Throws if not stored. */
  append(msg: EngineMessage, key: string | undefined, keepFrom: number): void {
    this.store(msg, key ?? null, keepFrom);
  }

  /** Drop the messages before `keepFrom` (the room's window trimmed them by age or size). */
  trim(room: string, keepFrom: number): void {
    this.prune.run(room, keepFrom);
  }

  dropRoom(room: string): void {
    this.db.transaction(() => {
      this.clearRoom.run(room);
      this.removeRoom.run(room);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
