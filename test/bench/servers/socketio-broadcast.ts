/**
 * The Socket.IO 4 peer doing the same job: rooms and `io.to(room).emit`, WebSocket transport only,
 * compression off. With `recovery`, connection state recovery replays missed packets on reconnect
 * (used by the resume storm; it costs a little on every broadcast, so it is off elsewhere).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { runServer, serverSettings } from './control.js';

const settings = serverSettings<{ recovery?: boolean }>();
const seqs = new Map<string, number>();
const EPOCH = Date.now().toString(36);

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: 64 * 1024,
  ...(settings.recovery
    ? { connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true } }
    : {}),
});

io.on('connection', (socket) => {
  socket.on('subscribe', (room: unknown, ack?: (reply: unknown) => void) => {
    const name = String(room);
    // An in-memory adapter joins at once; another may answer later, and its failure is said here.
    Promise.resolve(socket.join(name)).catch((err: Error) => console.error(`join ${name} failed: ${err.message}`));
    if (typeof ack === 'function') ack({ room: name, epoch: EPOCH, seq: seqs.get(name) ?? 0 });
  });
  socket.on('presence', (msg: { room?: string; state?: unknown }) => {
    const room = String(msg?.room ?? '');
    if (!socket.rooms.has(room)) return;
    io.to(room).emit('presence', {
      type: 'presence',
      room,
      joined: [],
      left: [],
      updated: [{ clientId: socket.id, sub: 'anonymous', name: 'anonymous', state: msg.state }],
    });
  });
  socket.on('publish', (msg: { room?: string; event?: string; data?: unknown }) => {
    const room = String(msg?.room ?? '');
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    io.to(room).emit('message', {
      type: 'message',
      room,
      epoch: EPOCH,
      seq,
      event: msg.event,
      data: msg.data,
      from: { sub: 'anonymous', name: 'anonymous' },
      time: Date.now(),
    });
  });
});

http.listen(0, '127.0.0.1', () => {
  runServer((http.address() as AddressInfo).port, {}, () => io.close());
});
