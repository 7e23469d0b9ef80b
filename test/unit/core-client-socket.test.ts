/**
 * The hub's WebSocket class: once bound to a session, its message, pong, close and error events
 * reach the session's host without a listener on the socket; listeners others add still run
 * (after the session's handling); an error is swallowed (ws closes next); unbound, it is plain ws.
 */
import { createServer, Socket, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import * as ws from 'ws';
import { HubWebSocket, bindSocket, endSocketOnce } from '../../hub/core/client-socket.js';
import type { Session } from '../../hub/core/session.js';

/** As the WebSocketServer makes one: server side, no address, the server's options. */
function serverSide(): HubWebSocket {
  const make = HubWebSocket as unknown as new (address: null, protocols: undefined, options: object) => HubWebSocket;
  return new make(null, undefined, { autoPong: true });
}

function boundSocket() {
  const calls: string[] = [];
  const session = {
    host: {
      onFrame: (_s: unknown, data: Buffer, isBinary: boolean) => calls.push(`frame ${data.toString()} ${isBinary}`),
      onPong: () => calls.push('pong'),
      onClosed: (_s: unknown, code: number, reason: string) => calls.push(`closed ${code} ${reason}`),
    },
    pauseReadingIfBacklogged: () => calls.push('paused?'),
  } as unknown as Session;
  const ws = serverSide();
  bindSocket(ws, session);
  return { ws, calls };
}

describe('HubWebSocket', () => {
  it('hands its events to the session without listeners of its own', () => {
    const { ws, calls } = boundSocket();
    expect(ws.listenerCount('message') + ws.listenerCount('pong') + ws.listenerCount('close')).toBe(0);
    expect(ws.emit('message', Buffer.from('hi'), false)).toBe(true);
    ws.emit('pong', Buffer.alloc(0));
    ws.emit('close', 1000, Buffer.from('bye'));
    expect(calls).toEqual(['frame hi false', 'paused?', 'pong', 'closed 1000 bye']);
  });

  it('runs listeners others add after the session, and swallows an error nobody listens to', () => {
    const { ws, calls } = boundSocket();
    ws.on('message', (data: Buffer) => calls.push(`listener ${data.toString()}`));
    ws.emit('message', Buffer.from('x'), false);
    expect(() => ws.emit('error', new Error('invalid frame'))).not.toThrow();
    const seen: unknown[] = [];
    ws.on('error', (err) => seen.push(err));
    ws.emit('error', new Error('again'));
    expect(calls).toEqual(['frame x false', 'paused?', 'listener x']);
    expect(seen).toHaveLength(1);
  });

  it('is a plain ws socket until bound', () => {
    const ws = serverSide();
    const seen: string[] = [];
    ws.on('ping', () => seen.push('ping'));
    expect(ws.emit('ping', Buffer.alloc(0))).toBe(true);
    expect(ws.emit('pong', Buffer.alloc(0))).toBe(false);
    expect(() => ws.emit('error', new Error('unbound'))).toThrow('unbound');
    expect(seen).toEqual(['ping']);
  });
});

describe("ws's frame receiver, ended again as ws closes a connection", () => {
  type ReceiverClass = new (options: object) => Writable;
  const Receiver = (ws as unknown as { Receiver: ReceiverClass }).Receiver;

  async function finished(): Promise<Writable> {
    const receiver = new Receiver({ isServer: true });
    receiver.end();
    await new Promise((resolve) => receiver.once('finish', resolve));
    return receiver;
  }

  it("skips Node's end() when a finished or destroyed receiver is ended again without arguments", async () => {
    const receiver = await finished();
    // In that state Node's end() builds an ERR_STREAM_ALREADY_FINISHED; without a callback, for nobody.
    const nodeError = await new Promise((resolve) => {
      const nodeEnd = Writable.prototype.end as (this: Writable, cb: (err?: Error | null) => void) => Writable;
      nodeEnd.call(receiver, resolve);
    });
    expect(nodeError).toMatchObject({ code: 'ERR_STREAM_ALREADY_FINISHED' });
    const destroyed = new Receiver({ isServer: true });
    destroyed.destroy();
    const nodeEnd = vi.spyOn(Writable.prototype, 'end');
    try {
      expect(receiver.end()).toBe(receiver);
      expect(destroyed.end()).toBe(destroyed);
      expect(nodeEnd).not.toHaveBeenCalled();
      receiver.end(() => {});
      expect(nodeEnd).toHaveBeenCalledTimes(1);
    } finally {
      nodeEnd.mockRestore();
    }
  });

  it("leaves every other call to Node's end(): a callback still hears that the stream had finished", async () => {
    const receiver = await finished();
    const err = await new Promise<Error | null | undefined>((resolve) => receiver.end(resolve));
    expect(err).toMatchObject({ code: 'ERR_STREAM_ALREADY_FINISHED' });
    // A first end() still ends and finishes the stream.
    const fresh = new Receiver({ isServer: true });
    const finish = new Promise((resolve) => fresh.once('finish', resolve));
    fresh.end();
    await finish;
    expect(fresh.writableFinished).toBe(true);
  });
});

describe("a closing connection's socket, ended again on the peer's FIN", () => {
  /** Both ends of a real TCP connection on loopback. */
  async function tcpPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    const client = new Socket();
    client.connect((listener.address() as AddressInfo).port, '127.0.0.1');
    const server = await accepted;
    return { server, client, close: () => (client.destroy(), server.destroy(), listener.close()) };
  }

  it("skips Node's end() on the finished socket and leaves every other call to it", async () => {
    const { server, client, close } = await tcpPair();
    try {
      endSocketOnce(server);
      const finished = new Promise((resolve) => server.once('finish', resolve));
      // The first end() is Node's: the peer sees the FIN.
      const peerEnded = new Promise((resolve) => client.once('end', resolve));
      client.resume();
      server.end();
      await Promise.all([finished, peerEnded]);
      const nodeEnd = vi.spyOn(Socket.prototype, 'end');
      try {
        expect(server.end()).toBe(server);
        expect(nodeEnd).not.toHaveBeenCalled();
        const err = await new Promise((resolve) => server.end(resolve as () => void));
        expect(nodeEnd).toHaveBeenCalledTimes(1);
        expect(err).toMatchObject({ code: 'ERR_STREAM_ALREADY_FINISHED' });
      } finally {
        nodeEnd.mockRestore();
      }
    } finally {
      close();
    }
  });

  it('is set only on a closing socket', async () => {
    const { server, close } = await tcpPair();
    try {
      expect(Object.hasOwn(server, 'end')).toBe(false);
      endSocketOnce(server);
      expect(Object.hasOwn(server, 'end')).toBe(true);
    } finally {
      close();
    }
  });
});
