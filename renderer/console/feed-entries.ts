/**
 * The audit log's lines and sampled traffic, read from `$admin` events and admin answers with the
 * protocol's field names (see admin-feed.ts for the other readers).
 */
import type { AuditEntry as HubAuditEntry, Json, JsonObject, TrafficEvent } from '../../hub/protocol/index.js';
import { asObject, field, num, str, time } from './admin-feed.js';

const audited = field<HubAuditEntry>();
const sampled = field<TrafficEvent>();

export interface AuditEntry {
  key: string;
  time: number;
  action: string;
  actor: string;
  target: string;
  reason: string;
  outcome: string;
  detail: JsonObject;
}

export interface TrafficEntry {
  key: string;
  time: number;
  room: string;
  event: string;
  from: string;
  seq: number | null;
  bytes: number | null;
  recipients: number | null;
  /** The hub cut the payload to a preview. */
  truncated: boolean;
  /** The payload as the hub sampled it (possibly cut), pretty-printed when it is JSON. */
  payload: string;
}

let auditCounter = 0;

/**
 * An audit line: who (`sub`, `name`, `ip`) did or tried what (`action`, `kind`: action, denied,
 * refused), with the action's own fields, its `target` among them, under `details`.
 */
export function readAudit(v: Json): AuditEntry | null {
  const o = asObject(v);
  if (!o) return null;
  const details = asObject(o[audited('details')] ?? null) ?? {};
  const target = asObject(details.target ?? null) ?? details;
  const t = time(o[audited('time')]) ?? Date.now();
  const seq = num(o, audited('seq'));
  const rooms = Array.isArray(details.rooms)
    ? details.rooms.filter((r) => typeof r === 'string').join(', ')
    : undefined;
  return {
    key: seq !== null ? `seq-${seq}` : `${t}-${auditCounter++}`,
    time: t,
    action: str(o, audited('action')) ?? 'event',
    actor: [str(o, audited('name')) ?? str(o, audited('sub')), str(o, audited('ip'))].filter(Boolean).join(' · '),
    target: str(target, 'sub', 'clientId', 'room', 'jti') ?? rooms ?? '',
    reason: str(details, 'reason', 'message', 'error') ?? '',
    outcome: str(o, audited('kind')) ?? '',
    detail: o,
  };
}

let trafficCounter = 0;

export function readTraffic(v: Json): TrafficEntry | null {
  const o = asObject(v);
  if (!o) return null;
  const room = str(o, sampled('room'));
  const event = str(o, sampled('event'));
  if (!room || !event) return null;
  const from = asObject(o[sampled('from')] ?? null);
  const t = time(o[sampled('time')]) ?? Date.now();
  const raw = o[sampled('preview')] ?? null;
  return {
    key: `${room}:${num(o, sampled('seq')) ?? ''}:${t}:${trafficCounter++}`,
    time: t,
    room,
    event,
    from: str(from, 'name', 'sub') ?? '',
    seq: num(o, sampled('seq')),
    bytes: num(o, sampled('bytes')),
    recipients: num(o, sampled('recipients')),
    truncated: o[sampled('truncated')] === true,
    payload: payloadText(raw),
  };
}

/** A sampled payload for display: JSON pretty-printed, a cut string shown as it came. */
export function payloadText(raw: Json): string {
  if (typeof raw === 'string') {
    try {
      return JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      return raw;
    }
  }
  return JSON.stringify(raw, null, 2) ?? 'null';
}
