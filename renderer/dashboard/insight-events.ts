/**
 * InsightEngine's event conventions on top of `publish` (protocol.md, InsightEngine events). Room
 * data is whatever a publisher sent, so each reader checks the shape and drops what does not fit.
 */
import type { Json, JsonObject } from '../../hub/protocol/index.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertEvent {
  id: string;
  severity: Severity;
  title: string;
  body: string;
  dashboardId?: string;
}

export interface RefreshEvent {
  /** Absent: the whole dashboard. */
  widgets?: string[];
  reason?: string;
}

export type Cell = Json;

export interface QueryRowsEvent {
  queryId: string;
  chunk: number;
  columns?: string[];
  rows: Cell[][];
}

export interface QueryDoneEvent {
  queryId: string;
  rowCount: number;
}

export interface QueryErrorEvent {
  queryId: string;
  message: string;
}

/** Notes editors publish for everyone: on the dashboard, or pinned to one widget. */
export interface AnnotationEvent {
  id: string;
  text: string;
  widget?: string;
}

export const ANNOTATION_EVENT = 'annotation';
/** Older publishers call them comments; they read the same. */
export const COMMENT_EVENT = 'comment';

const MAX_TEXT = 4000;

function obj(data: Json): JsonObject | null {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : null;
}

function text(value: Json | undefined, max = MAX_TEXT): string | undefined {
  if (typeof value === 'string') return value.slice(0, max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function readAlert(data: Json, fallbackId: string): AlertEvent | null {
  const d = obj(data);
  if (!d) return null;
  const title = text(d.title, 200);
  const body = text(d.body) ?? '';
  if (!title && !body) return null;
  const severity = (SEVERITIES as readonly string[]).includes(d.severity as string) ? (d.severity as Severity) : 'info';
  return {
    id: text(d.id, 128) ?? fallbackId,
    severity,
    title: title ?? body.slice(0, 80),
    body,
    dashboardId: text(d.dashboardId, 128),
  };
}

export function readRefresh(data: Json): RefreshEvent {
  const d = obj(data);
  if (!d) return {};
  const widgets = Array.isArray(d.widgets)
    ? d.widgets.map((w) => text(w, 128)).filter((w): w is string => !!w)
    : undefined;
  return { widgets: widgets && widgets.length > 0 ? widgets : undefined, reason: text(d.reason, 500) };
}

export function readQueryRows(data: Json): QueryRowsEvent | null {
  const d = obj(data);
  if (!d) return null;
  const queryId = text(d.queryId, 128);
  if (!queryId || !Array.isArray(d.rows)) return null;
  const columns = Array.isArray(d.columns) ? d.columns.map((c) => text(c, 200) ?? '') : undefined;
  const rows = d.rows.map((row) => rowCells(row, columns));
  const chunk = typeof d.chunk === 'number' && Number.isSafeInteger(d.chunk) ? d.chunk : 0;
  return { queryId, chunk, columns, rows };
}

/** Rows come as arrays in column order, or as objects keyed by column. */
function rowCells(row: Json, columns: string[] | undefined): Cell[] {
  if (Array.isArray(row)) return row;
  const o = obj(row);
  if (o) return columns ? columns.map((c) => o[c] ?? null) : Object.values(o);
  return [row];
}

export function readQueryDone(data: Json): QueryDoneEvent | null {
  const d = obj(data);
  const queryId = d && text(d.queryId, 128);
  if (!d || !queryId) return null;
  return { queryId, rowCount: typeof d.rowCount === 'number' ? d.rowCount : -1 };
}

export function readQueryError(data: Json): QueryErrorEvent | null {
  const d = obj(data);
  const queryId = d && text(d.queryId, 128);
  if (!d || !queryId) return null;
  return { queryId, message: text(d.message) ?? 'query failed' };
}

export function readAnnotation(data: Json, fallbackId: string): AnnotationEvent | null {
  const d = obj(data);
  if (typeof data === 'string') return { id: fallbackId, text: data.slice(0, MAX_TEXT) };
  const body = d && (text(d.text) ?? text(d.body));
  if (!d || !body) return null;
  return { id: text(d.id, 128) ?? fallbackId, text: body, widget: text(d.widget, 128) ?? text(d.widgetId, 128) };
}

/** A cell as text: JSON for anything structured, never markup. */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}
