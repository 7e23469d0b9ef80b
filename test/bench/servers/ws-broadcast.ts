/**
 * The bare `ws` peer: what a developer writes with ws alone. Rooms in a map, the envelope
 * serialized once per publish, then one `send` per recipient. No auth, no history, no limits.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { runServer } from './control.js';

const rooms = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
const EPOCH = Date.now().toString(36);
let nextClient = 1;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws) => {
  const joined = new Set<string>();
  const clientId = (nextClient++).toString(36);
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return ws.close(1003);
    let msg: { type?: string; id?: string; room?: string; event?: string; data?: unknown; state?: unknown };
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return ws.close(1007);
    }
    const room = String(msg.room ?? '');
    if (msg.type === 'subscribe') {
      let members = rooms.get(room);
      if (!members) rooms.set(room, (members = new Set()));
      members.add(ws);
      joined.add(room);
      ws.send(JSON.stringify({ type: 'ack', id: msg.id, room, epoch: EPOCH, seq: seqs.get(room) ?? 0 }));
    } else if (msg.type === 'presence' && joined.has(room)) {
      // What a ws developer writes for "who is here": the update to everyone in the room, at once.
      const diff = Buffer.from(
        JSON.stringify({
          type: 'presence',
          room,
          joined: [],
          left: [],
          updated: [{ clientId, sub: 'anonymous', name: 'anonymous', state: msg.state }],
        }),
      );
      for (const member of rooms.get(room) ?? []) {
        if (member.readyState === member.OPEN) member.send(diff, { binary: false });
      }
    } else if (msg.type === 'publish') {
      const seq = (seqs.get(room) ?? 0) + 1;
      seqs.set(room, seq);
      const envelope = Buffer.from(
        JSON.stringify({
          type: 'message',
          room,
          epoch: EPOCH,
          seq,
          event: msg.event,
          data: msg.data,
          from: { sub: 'anonymous', name: 'anonymous' },
          time: Date.now(),
        }),
      );
      for (const member of rooms.get(room) ?? []) {
        if (member.readyState === member.OPEN) member.send(envelope, { binary: false });
      }
    }
  });
  ws.on('close', () => {
    for (const room of joined) {
      const members = rooms.get(room);
      members?.delete(ws);
      if (members?.size === 0) rooms.delete(room);
    }
  });
  ws.on('error', () => {}); // a broken client only ends its own connection
});

wss.on('listening', () => {
  runServer((wss.address() as AddressInfo).port, {}, () => new Promise((resolve) => wss.close(() => resolve())));
});
