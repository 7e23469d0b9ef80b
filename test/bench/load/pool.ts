/** Opening many clients with bounded concurrency, spread over several loopback source addresses. */
import type { Endpoint } from './bench-socket.js';
import type { BenchClient } from './client.js';

export interface OpenResult {
  opened: number;
  failed: number;
  /** Failure reasons and how often each occurred. */
  errors: Record<string, number>;
  elapsedMs: number;
}

/** 127.0.0.2, 127.0.0.3, …: each source address has its own ~28k ephemeral ports. */
export function sourceAddress(index: number, sources: number): string {
  return `127.0.0.${2 + (index % sources)}`;
}

export async function openAll(
  clients: BenchClient[],
  server: { host: string; port: number },
  options: { concurrency: number; sources: number; timeoutMs: number; deadlineMs: number },
): Promise<OpenResult> {
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  const errors: Record<string, number> = {};
  let next = 0;
  let opened = 0;
  let failed = 0;
  const worker = async () => {
    while (next < clients.length) {
      const index = next++;
      if (Date.now() > deadline) {
        failed++;
        errors['deadline passed'] = (errors['deadline passed'] ?? 0) + 1;
        continue;
      }
      const endpoint: Endpoint = { ...server, localAddress: sourceAddress(index, options.sources) };
      try {
        await clients[index].connect(endpoint, options.timeoutMs);
        opened++;
      } catch (err) {
        failed++;
        const reason = (err as Error).message.slice(0, 120);
        errors[reason] = (errors[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, clients.length) }, worker));
  return { opened, failed, errors, elapsedMs: Date.now() - started };
}
