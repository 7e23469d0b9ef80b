/**
 * What differs between the servers under test: upgrade path and headers, how a connection becomes
 * ready, and how subscribe and publish are spelled. The receive path is shared (see payload.ts).
 */
export type ServerKind = 'hub' | 'ws' | 'socketio';
export const SERVER_KINDS: readonly ServerKind[] = ['hub', 'ws', 'socketio'];

/** A control frame's meaning to the client state machine. */
export type ControlEvent =
  | { kind: 'ready'; detail?: Record<string, unknown> }
  | { kind: 'ack'; detail?: Record<string, unknown> }
  | { kind: 'error'; message: string }
  | { kind: 'reply'; text: string }
  | { kind: 'ignore' };

export interface ResumeState {
  /** Hub: the room's epoch and last seq seen. */
  epoch?: string;
  seq?: number;
  /** Socket.IO connection state recovery: session id and last packet offset. */
  pid?: string;
  offset?: string;
}

export interface Dialect {
  readonly kind: ServerKind;
  readonly path: string;
  headers(token: string | undefined): Record<string, string>;
  /** True when the connection is usable as soon as the upgrade completes. */
  readonly readyOnOpen: boolean;
  control(text: string, resume: ResumeState | null, wantDetail: boolean): ControlEvent;
  subscribe(room: string, resume: ResumeState | null): string;
  publish(room: string, data: string): string;
  /** A presence state (JSON object text) for a room the client is in. */
  presence(room: string, state: string): string;
}

const IGNORE: ControlEvent = { kind: 'ignore' };

function jsonControl(text: string, wantDetail: boolean): ControlEvent {
  if (text.includes('"type":"ack"')) return { kind: 'ack', detail: wantDetail ? JSON.parse(text) : undefined };
  if (text.includes('"type":"welcome"')) return { kind: 'ready' };
  if (text.includes('"type":"error"')) return { kind: 'error', message: text.slice(0, 200) };
  return IGNORE;
}

const hub: Dialect = {
  kind: 'hub',
  path: '/ws',
  headers: (token) => ({
    'Sec-WebSocket-Protocol': 'insight.v1',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  }),
  readyOnOpen: false,
  control: (text, _resume, wantDetail) => jsonControl(text, wantDetail),
  subscribe: (room, resume) =>
    JSON.stringify({
      type: 'subscribe',
      id: 's',
      room,
      ...(resume?.epoch !== undefined ? { since: { epoch: resume.epoch, seq: resume.seq ?? 0 } } : {}),
    }),
  publish: (room, data) => '{"type":"publish","room":' + JSON.stringify(room) + ',"event":"tick","data":' + data + '}',
  presence: (room, state) => '{"type":"presence","room":' + JSON.stringify(room) + ',"state":' + state + '}',
};

/** The bare ws peer speaks the hub's JSON shapes without auth or history. */
const ws: Dialect = {
  kind: 'ws',
  path: '/',
  headers: () => ({}),
  readyOnOpen: true,
  control: (text, _resume, wantDetail) => jsonControl(text, wantDetail),
  subscribe: (room) => JSON.stringify({ type: 'subscribe', id: 's', room }),
  publish: hub.publish,
  presence: hub.presence,
};

/** Engine.IO v4 packets over a WebSocket, carrying Socket.IO v5 packets for the main namespace. */
const socketio: Dialect = {
  kind: 'socketio',
  path: '/socket.io/?EIO=4&transport=websocket',
  headers: () => ({}),
  readyOnOpen: false,
  control(text, resume) {
    if (text === '2') return { kind: 'reply', text: '3' }; // engine ping
    if (text.startsWith('40')) {
      return { kind: 'ready', detail: text.length > 2 ? JSON.parse(text.slice(2)) : undefined };
    }
    if (text[0] === '0') {
      const recover = resume?.pid && resume.offset ? JSON.stringify({ pid: resume.pid, offset: resume.offset }) : '';
      return { kind: 'reply', text: '40' + recover };
    }
    if (text.startsWith('43')) return { kind: 'ack' };
    if (text.startsWith('44') || text.startsWith('41') || text === '1') {
      return { kind: 'error', message: text.slice(0, 200) };
    }
    return IGNORE;
  },
  subscribe: (room) => '421["subscribe",' + JSON.stringify(room) + ']',
  publish: (room, data) => '42["publish",{"room":' + JSON.stringify(room) + ',"event":"tick","data":' + data + '}]',
  presence: (room, state) => '42["presence",{"room":' + JSON.stringify(room) + ',"state":' + state + '}]',
};

export const DIALECTS: Record<ServerKind, Dialect> = { hub, ws, socketio };

/** Socket.IO appends the packet's offset as the event's last argument when recovery is on. */
export function socketioOffsetOf(payload: Buffer): string | undefined {
  if (payload[payload.length - 1] !== 0x5d || payload[payload.length - 2] !== 0x22) return undefined;
  const start = payload.lastIndexOf(',"');
  return start < 0 ? undefined : payload.toString('utf8', start + 2, payload.length - 2);
}
