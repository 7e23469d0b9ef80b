/**
 * The audit log's lines and sampled traffic, read from `$admin` events and admin answers with the
 * protocol's field names (see admin-feed.ts for the other readers).
 */
import type {
  AuditAction,
  AuditDetails,
  AuditEntry as HubAuditEntry,
  AuditKind,
  AuditTarget,
  Json,
  TrafficEvent,
} from '../../hub/protocol/index.js';

export interface AuditEntry {
  key: string;
  time: number;
  action: AuditAction;
  actor: string;
  target: string;
  reason: string;
  outcome: AuditKind;
  /** The entry as the hub wrote it. */
  detail: HubAuditEntry;
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

/** Whom the entry is about: the user when known, else the client, room or invite. */
function targetText(t: AuditTarget): string {
  if ('room' in t) return t.room;
  if ('clientId' in t) return t.sub ?? t.clientId;
  return 'sub' in t ? t.sub : t.jti;
}

/** Why: an action's or refusal's `reason`, a denial's `message`. */
function reasonText(d: AuditDetails): string {
  if ('reason' in d) return d.reason;
  return 'message' in d ? d.message : '';
}

/**
 * An audit line: who (`sub`, `name`, `ip`) did or tried what (`action`, `kind`: action, denied,
 * refused), with the action's own fields (AuditDetailsMap), its `target` among them, under `details`.
 */
export function readAudit(e: HubAuditEntry): AuditEntry {
  const d = e.details;
  return {
    key: `seq-${e.seq}`,
    time: e.time,
    action: e.action,
    actor: [e.name ?? e.sub, e.ip].filter(Boolean).join(' · '),
    target: d && 'target' in d ? targetText(d.target) : '',
    reason: d ? reasonText(d) : '',
    outcome: e.kind,
    detail: e,
  };
}

let trafficCounter = 0;

export function readTraffic(t: TrafficEvent): TrafficEntry {
  return {
    key: `${t.room}:${t.seq}:${t.time}:${trafficCounter++}`,
    time: t.time,
    room: t.room,
    event: t.event,
    from: t.from.name || t.from.sub,
    seq: t.seq,
    bytes: t.bytes,
    recipients: t.recipients,
    truncated: t.truncated,
    payload: payloadText(t.preview),
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
