/**
 * One raw client WebSocket: a TCP socket, the hand-written upgrade, then the minimal frame parser.
 * Answers pings and close frames itself; everything else goes to the owner's callbacks.
 *
 * Reads use `onread` with one buffer shared by every socket of the process: no stream machinery and
 * no allocation per read, which is most of a receiver's cost at hundreds of thousands of frames per
 * second. Callbacks run synchronously, so the shared buffer is never read by two sockets at once.
 */
import { connect, type Socket } from 'node:net';
import { nowUs } from './clock.js';
import { encodeClientClose, encodeClientFrame, encodeClientText } from '../wire/frame-encoder.js';
import { FrameParser, Opcode, readClose } from '../wire/frame-parser.js';
import { parseUpgradeResponse, type UpgradeRequest } from '../wire/handshake.js';

const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export const SocketState = { connecting: 0, upgrading: 1, open: 2, closed: 3 } as const;

export interface Endpoint {
  host: string;
  port: number;
  localAddress?: string;
}

export interface CloseInfo {
  /** WebSocket close code from the server's close frame, 1006 when the TCP connection just ended. */
  code: number;
  reason: string;
  /** HTTP status when the upgrade was refused. */
  status?: number;
  error?: string;
}

export interface SocketEvents {
  open(): void;
  /** A complete text message; `receivedUs` is taken once per TCP read, shared by its frames. */
  text(payload: Buffer, receivedUs: number): void; // payload is valid only during the call
  close(info: CloseInfo): void;
}

export class BenchSocket {
  state: number = SocketState.connecting;
  readonly socket: Socket;
  private head: Buffer | null = null;
  private closeInfo: CloseInfo | null = null;
  private timer: NodeJS.Timeout | null;
  private readonly parser: FrameParser;
  private receivedUs = 0;

  constructor(
    endpoint: Endpoint,
    private readonly upgrade: UpgradeRequest,
    private readonly events: SocketEvents,
    openTimeoutMs: number,
  ) {
    this.parser = new FrameParser((opcode, payload) => this.frame(opcode, payload));
    this.socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      localAddress: endpoint.localAddress,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buf: Uint8Array) => {
          this.data(Buffer.from(buf.buffer, buf.byteOffset, bytes));
          return true;
        },
      },
    });
    this.socket.setNoDelay(true);
    this.timer = setTimeout(() => this.fail('open timeout'), openTimeoutMs);
    this.socket.on('connect', () => {
      this.state = SocketState.upgrading;
      this.socket.write(this.upgrade.request);
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) =>
      this.note({ code: 1006, reason: '', error: err.code ?? err.message }),
    );
    this.socket.on('close', () => this.finish());
  }

  send(frame: Buffer): void {
    if (this.state === SocketState.open) this.socket.write(frame);
  }

  sendText(text: string): void {
    if (this.state === SocketState.open) this.socket.write(encodeClientText(text));
  }

  /** Stop reading: the kernel buffers fill and the server sees a slow consumer. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Send a close frame and drop the connection without waiting for the server's answer. */
  close(code = 1000): void {
    if (this.state === SocketState.open) this.socket.write(encodeClientClose(code));
    this.note({ code, reason: 'client close' });
    this.socket.destroy();
  }

  /** Cut the connection as a crashed or unplugged client would. */
  drop(): void {
    this.note({ code: 1006, reason: 'client drop' });
    this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    this.receivedUs = nowUs();
    if (this.state === SocketState.open) {
      this.parse(chunk);
      return;
    }
    const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    const res = parseUpgradeResponse(buf);
    if (res.kind === 'incomplete') {
      this.head = Buffer.from(buf); // the read buffer is reused
      return;
    }
    this.head = null;
    if (res.kind === 'invalid') return this.fail(res.reason);
    if (res.status !== 101) {
      this.note({ code: 1006, reason: res.rest.toString('utf8', 0, 200), status: res.status });
      this.socket.destroy();
      return;
    }
    if (res.headers.get('sec-websocket-accept') !== this.upgrade.expectedAccept) return this.fail('bad accept');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.state = SocketState.open;
    this.events.open();
    if (res.rest.length > 0 && this.state === SocketState.open) this.parse(res.rest);
  }

  private parse(chunk: Buffer): void {
    try {
      this.parser.push(chunk);
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.state !== SocketState.open) return;
    switch (opcode) {
      case Opcode.text:
        this.events.text(payload, this.receivedUs);
        return;
      case Opcode.ping:
        this.socket.write(encodeClientFrame(Opcode.pong, payload));
        return;
      case Opcode.close: {
        const { code, reason } = readClose(payload);
        this.socket.write(encodeClientClose(code === 1005 ? 1000 : code));
        this.note({ code, reason });
        this.socket.destroy();
        return;
      }
      default:
        return; // binary and pong frames carry nothing the benchmark needs
    }
  }

  private fail(reason: string): void {
    this.note({ code: 1006, reason: '', error: reason });
    this.socket.destroy();
  }

  /** Remember the first reason the connection ended; later ones are consequences. */
  private note(info: CloseInfo): void {
    if (!this.closeInfo) this.closeInfo = info;
  }

  private finish(): void {
    if (this.state === SocketState.closed) return;
    this.state = SocketState.closed;
    if (this.timer) clearTimeout(this.timer);
    this.events.close(this.closeInfo ?? { code: 1006, reason: '' });
  }
}
