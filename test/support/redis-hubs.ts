/** Multi-hub test support: hub processes sharing one redis-server, tokens and clients for them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, signJwt, type TestClient } from './hub.js';
import type { Hub } from '../../hub/server/types.js';
import type { Role } from '../../hub/protocol/index.js';

const HUB_SCRIPT = fileURLToPath(new URL('./redis-hub-node.ts', import.meta.url));

export interface HubProcess {
  readonly nodeId: string;
  readonly port: number;
  /** Enough of a `Hub` for the shared ws test client (its URLs). */
  readonly hub: Hub;
  readonly child: ChildProcess;
  /** SIGKILL (a crash) or SIGTERM (a drain); resolves once the process is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export async function startHubProcess(redisUrl: string, keyPrefix: string, nodeId: string): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HUB_SCRIPT, redisUrl, keyPrefix, nodeId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      // With HUB_LOG_LEVEL set the hub logs to stdout too: pass those lines on for debugging.
      if (process.env.HUB_LOG_LEVEL) process.stderr.write(chunk);
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`hub ${nodeId} exited before listening (${code ?? signal})`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const hub = { port, url, wsUrl: `ws://127.0.0.1:${port}/ws` } as Hub;
  return {
    nodeId,
    port,
    hub,
    child,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await gone;
    },
  };
}

export function tokenFor(sub: string, role: Role = 'editor', rooms: string[] = ['*']): Promise<string> {
  return signJwt({ sub, name: sub, role, rooms });
}

export async function clientOn(hub: HubProcess, sub: string, role: Role = 'editor'): Promise<TestClient> {
  return connect(hub.hub, await tokenFor(sub, role));
}

/** The seqs a client received for a room, in arrival order. */
export function seqsOf(client: TestClient, room: string): number[] {
  return client.messages(room).map((m) => m.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Publishes one message at a time until stopped; keeps every ack's seq and every refusal. */
export function steadyPublisher(client: TestClient, room: string) {
  const acked: Array<{ epoch: string; seq: number }> = [];
  const refused: Array<{ code: string; message: string }> = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      const answer = await client.request({ type: 'publish', room, event: 'tick', data: { n } });
      if (answer.type === 'ack') acked.push({ epoch: answer.epoch as string, seq: answer.seq as number });
      else {
        refused.push({ code: answer.code as string, message: answer.message as string });
        // Paces the retries while the engine refuses; callers wait on acks, never on this.
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  })();
  return {
    acked,
    refused,
    /** Seqs acknowledged in one epoch (all of them when none is given). */
    seqs(epoch?: string): number[] {
      return acked.filter((a) => epoch === undefined || a.epoch === epoch).map((a) => a.seq);
    },
    async stop() {
      running = false;
      await done;
    },
  };
}
