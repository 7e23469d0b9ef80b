/**
 * A private redis-server for tests: started on a free port with no persistence, stopped and
 * restarted by pid so outage tests can take Redis away and bring it back on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  /** pid of the running server, undefined while stopped. */
  readonly pid: number | undefined;
  /** Stop the server (SIGTERM, or SIGKILL to simulate a crash) and wait until it has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Start it again on the same port (its data is gone: nothing is persisted). */
  restart(): Promise<void>;
  /** Freeze and thaw the process: the port stays open but nothing answers. */
  pause(): void;
  resume(): void;
  /**
   * Stall the server with `DEBUG SLEEP`: its connections stay open and nothing answers. Returns once
   * the stall has begun (a PING on another connection goes unanswered); `awake` resolves when it ends.
   */
  stall(seconds: number): Promise<{ awake: Promise<void> }>;
  /** Run one command on a fresh connection (e.g. `CLIENT KILL TYPE pubsub`); resolves with the raw reply. */
  command(...args: string[]): Promise<string>;
}

const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Send one RESP command and read one reply; enough for PING and CLIENT KILL. */
export function rawCommand(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on port ${port} did not answer ${args[0]}`));
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(reply.trimEnd());
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function waitUntilAnswering(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      if ((await rawCommand(port, ['PING'], 500)) === '+PONG') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

function launch(port: number): ChildProcess {
  const child = spawn(
    REDIS_BIN,
    // DEBUG from local connections only: stall tests use DEBUG SLEEP.
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
      '--enable-debug-command',
      'local',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return child;
}

export async function startRedisServer(): Promise<RedisServerHandle> {
  let port = await freePort();
  let child = launch(port);
  try {
    await waitUntilAnswering(port, child);
  } catch {
    // Another process may have taken the port between probing and binding: try once more.
    child.kill('SIGKILL');
    port = await freePort();
    child = launch(port);
    await waitUntilAnswering(port, child);
  }
  let current: ChildProcess | undefined = child;

  const handle: RedisServerHandle = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current?.pid;
    },
    async stop(signal = 'SIGTERM') {
      const proc = current;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
        current = undefined;
        return;
      }
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      if (proc.pid !== undefined) process.kill(proc.pid, 'SIGCONT');
      proc.kill(signal);
      await exited;
      current = undefined;
    },
    async restart() {
      await handle.stop();
      // The old socket may linger briefly; retry until the port is ours again.
      for (let attempt = 0; ; attempt++) {
        const next = launch(port);
        try {
          await waitUntilAnswering(port, next);
          current = next;
          return;
        } catch (err) {
          next.kill('SIGKILL');
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    pause() {
      if (current?.pid !== undefined) process.kill(current.pid, 'SIGSTOP');
    },
    resume() {
      if (current?.pid !== undefined) process.kill(current.pid, 'SIGCONT');
    },
    command(...args: string[]) {
      return rawCommand(port, args);
    },
    async stall(seconds: number) {
      const awake = rawCommand(port, ['DEBUG', 'SLEEP', String(seconds)], seconds * 1000 + 30_000).then(
        () => undefined,
      );
      // Begun once a PING is not answered at once; the sleep's own reply ends it.
      for (;;) {
        const answered = await rawCommand(port, ['PING'], 200).then(
          () => true,
          () => false,
        );
        if (!answered) return { awake };
      }
    },
  };
  return handle;
}
