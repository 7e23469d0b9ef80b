/**
 * A dashboard room's state as built from its messages: widgets and when they were refreshed,
 * live query streams, and annotations. Pure, so the same code rebuilds it from history after a
 * reset and folds in live messages, each seq once.
 */
import type { RoomMessage } from '../../hub/protocol/index.js';
import { alertSender, type AlertSender } from './alert-sender.js';
import {
  ANNOTATION_EVENT,
  COMMENT_EVENT,
  readAlert,
  readAnnotation,
  readQueryDone,
  readQueryError,
  readQueryRows,
  readRefresh,
  type AlertEvent,
  type Cell,
} from './insight-events.js';

export interface WidgetState {
  id: string;
  refreshes: number;
  refreshedAt?: number;
  reason?: string;
}

export interface QueryChunk {
  chunk: number;
  rows: Cell[][];
}

export interface QueryStream {
  queryId: string;
  columns: string[];
  /**
   * Sorted by chunk number: history and live delivery may interleave after a reset. Like
   * `applied`, shared by a stream's successive versions and appended to in place, so a long
   * stream costs one push per chunk rather than a copy of all before it.
   */
  chunks: QueryChunk[];
  rowsReceived: number;
  /** Rows held in `chunks` (at most MAX_QUERY_ROWS). */
  rowsKept: number;
  status: 'streaming' | 'done' | 'error';
  /** From `query.done`. */
  rowCount?: number;
  error?: string;
  updatedAt: number;
}

export interface Annotation {
  id: string;
  seq: number;
  /** The model's `round` when it arrived. */
  round: number;
  text: string;
  widget?: string;
  author: { sub: string; name: string; service?: boolean };
  time: number;
}

export interface RoomModel {
  epoch: string | null;
  /**
   * Epoch changes this page has lived through: a new epoch numbers from 1 again, so alerts and
   * annotations are ordered by (round, seq), never by seq alone.
   */
  round: number;
  /**
   * Seqs already folded in (this epoch). Shared by the successive models of one room and only
   * ever added to, so it is not copied per message (a long query stream would make that
   * quadratic); old seqs are pruned, since only history overlapping live delivery repeats them.
   */
  applied: Set<number>;
  widgets: Readonly<Record<string, WidgetState>>;
  /** Last refresh of the whole dashboard. */
  refreshedAt?: number;
  queries: Readonly<Record<string, QueryStream>>;
  /** Oldest first, at most MAX_ANNOTATIONS. */
  annotations: readonly Annotation[];
  /** Alerts the room has seen, from history as well as live; oldest first, at most MAX_ROOM_ALERTS. */
  alerts: readonly RoomAlert[];
  /** The highest seq folded in this epoch (0 before any). */
  lastSeq: number;
}

export interface RoomAlert extends AlertEvent {
  seq: number;
  /** The model's `round` when it arrived. */
  round: number;
  from: AlertSender;
  time: number;
}

export const MAX_ANNOTATIONS = 200;
export const MAX_ROOM_ALERTS = 50;
/** Seqs remembered for de-duplication: far more than a history read can overlap live delivery. */
export const APPLIED_WINDOW = 4096;
/** Rows kept per query stream; the table says how many more arrived. */
export const MAX_QUERY_ROWS = 10_000;

export function emptyRoom(): RoomModel {
  return {
    epoch: null,
    round: 0,
    applied: new Set(),
    widgets: {},
    queries: {},
    annotations: [],
    alerts: [],
    lastSeq: 0,
  };
}

/** Oldest first across epochs: a later epoch's seq 1 comes after an earlier epoch's seq 8. */
function inRoomOrder(a: { round: number; seq: number }, b: { round: number; seq: number }): number {
  return a.round - b.round || a.seq - b.seq;
}

export interface Applied {
  model: RoomModel;
  /** An alert to show; only for live messages (an alert read from history is old news). */
  alert?: AlertEvent;
}

export function applyMessage(model: RoomModel, msg: RoomMessage, live: boolean): Applied {
  let next = model;
  // A new epoch numbers from 1 again; what was built so far is still what the users saw.
  if (next.epoch !== msg.epoch) {
    next = {
      ...next,
      epoch: msg.epoch,
      round: next.epoch === null ? next.round : next.round + 1,
      applied: new Set(),
      lastSeq: 0,
    };
  }
  if (next.applied.has(msg.seq)) return { model: next };
  remember(next.applied, msg.seq);
  next = { ...next, lastSeq: Math.max(next.lastSeq, msg.seq) };
  switch (msg.event) {
    case 'alert': {
      const alert = readAlert(msg.data, `${msg.epoch}:${msg.seq}`);
      if (!alert) return { model: next };
      const entry: RoomAlert = {
        ...alert,
        seq: msg.seq,
        round: next.round,
        from: alertSender(msg.from),
        time: msg.time,
      };
      const alerts = [...next.alerts, entry].sort(inRoomOrder).slice(-MAX_ROOM_ALERTS);
      return { model: { ...next, alerts }, alert: live ? alert : undefined };
    }
    case 'refresh':
      return { model: applyRefresh(next, msg) };
    case 'query.rows':
      return { model: applyRows(next, msg) };
    case 'query.done':
      return { model: applyDone(next, msg) };
    case 'query.error':
      return { model: applyQueryError(next, msg) };
    case ANNOTATION_EVENT:
    case COMMENT_EVENT:
      return { model: applyAnnotation(next, msg) };
    default:
      return { model: next };
  }
}

function remember(applied: Set<number>, seq: number): void {
  applied.add(seq);
  if (applied.size <= APPLIED_WINDOW * 2) return;
  const floor = seq - APPLIED_WINDOW;
  for (const s of applied) if (s < floor) applied.delete(s);
}

/** Widgets known so far, in the order they were first seen, plus any named by presence. */
export function knownWidget(model: RoomModel, id: string): RoomModel {
  if (model.widgets[id]) return model;
  return { ...model, widgets: { ...model.widgets, [id]: { id, refreshes: 0 } } };
}

function applyRefresh(model: RoomModel, msg: RoomMessage): RoomModel {
  const { widgets, reason } = readRefresh(msg.data);
  const ids = widgets ?? Object.keys(model.widgets);
  const next: Record<string, WidgetState> = { ...model.widgets };
  for (const id of ids) {
    const before = next[id] ?? { id, refreshes: 0 };
    next[id] = { id, refreshes: before.refreshes + 1, refreshedAt: msg.time, reason };
  }
  return { ...model, widgets: next, refreshedAt: widgets ? model.refreshedAt : msg.time };
}

function applyRows(model: RoomModel, msg: RoomMessage): RoomModel {
  const ev = readQueryRows(msg.data);
  if (!ev) return model;
  let stream = model.queries[ev.queryId];
  // A first chunk for a finished query is a new run of it.
  if (!stream || (stream.status !== 'streaming' && ev.chunk === 0)) {
    stream = emptyStream(ev.queryId, msg.time);
  }
  const rows = ev.rows.slice(0, Math.max(0, MAX_QUERY_ROWS - stream.rowsKept));
  // Past the cap, chunks are only counted.
  const chunks = rows.length > 0 ? insertChunk(stream.chunks, { chunk: ev.chunk, rows }) : stream.chunks;
  const columns = ev.columns && ev.columns.length > 0 ? ev.columns : stream.columns;
  const updated: QueryStream = {
    ...stream,
    columns,
    chunks,
    rowsReceived: stream.rowsReceived + ev.rows.length,
    rowsKept: stream.rowsKept + rows.length,
    updatedAt: msg.time,
  };
  return { ...model, queries: { ...model.queries, [ev.queryId]: updated } };
}

function insertChunk(chunks: QueryChunk[], chunk: QueryChunk): QueryChunk[] {
  const last = chunks[chunks.length - 1];
  // In order, as live delivery is: append. Otherwise (history after live) find its place.
  if (!last || last.chunk < chunk.chunk) {
    chunks.push(chunk);
    return chunks;
  }
  if (chunks.some((c) => c.chunk === chunk.chunk)) return chunks;
  return [...chunks, chunk].sort((a, b) => a.chunk - b.chunk);
}

function applyDone(model: RoomModel, msg: RoomMessage): RoomModel {
  const ev = readQueryDone(msg.data);
  if (!ev) return model;
  const stream = model.queries[ev.queryId] ?? emptyStream(ev.queryId, msg.time);
  const rowCount = ev.rowCount >= 0 ? ev.rowCount : stream.rowsReceived;
  return {
    ...model,
    queries: { ...model.queries, [ev.queryId]: { ...stream, status: 'done', rowCount, updatedAt: msg.time } },
  };
}

function applyQueryError(model: RoomModel, msg: RoomMessage): RoomModel {
  const ev = readQueryError(msg.data);
  if (!ev) return model;
  const stream = model.queries[ev.queryId] ?? emptyStream(ev.queryId, msg.time);
  return {
    ...model,
    queries: { ...model.queries, [ev.queryId]: { ...stream, status: 'error', error: ev.message, updatedAt: msg.time } },
  };
}

function emptyStream(queryId: string, time: number): QueryStream {
  return { queryId, columns: [], chunks: [], rowsReceived: 0, rowsKept: 0, status: 'streaming', updatedAt: time };
}

function applyAnnotation(model: RoomModel, msg: RoomMessage): RoomModel {
  const ev = readAnnotation(msg.data, `${msg.epoch}:${msg.seq}`);
  if (!ev) return model;
  const annotation: Annotation = {
    id: ev.id,
    seq: msg.seq,
    round: model.round,
    text: ev.text,
    widget: ev.widget,
    author: { sub: msg.from.sub, name: msg.from.name || msg.from.sub, service: msg.from.service },
    time: msg.time,
  };
  const annotations = [...model.annotations, annotation].sort(inRoomOrder).slice(-MAX_ANNOTATIONS);
  const withWidget = ev.widget ? knownWidget(model, ev.widget) : model;
  return { ...withWidget, annotations };
}

/** Every row of a stream in chunk order. */
export function streamRows(stream: QueryStream): Cell[][] {
  const rows: Cell[][] = [];
  for (const c of stream.chunks) for (const r of c.rows) rows.push(r);
  return rows;
}
