/** A history flood for the hostile-peer suites: each writer publishes `perWriter` messages, each to a new room. */
import type { TestClient } from './hub.js';

/**
 * Writer `wi`'s i-th publish goes to `dashboard:<prefix><wi + i × writers>`, so room n is written once.
 * The neighbour must answer a ping every 50 publishes. Resolves with every answer (`ack` or
 * `error <code>`) and the epoch of room 0.
 */
export async function floodRooms(
  writers: TestClient[],
  neighbour: TestClient,
  prefix: string,
  perWriter: number,
  data: unknown,
): Promise<{ outcomes: string[]; epochOfFirst: string }> {
  let epochOfFirst = '';
  const outcomes = await Promise.all(
    writers.map(async (w, wi) => {
      const seen: string[] = [];
      for (let i = 0; i < perWriter; i++) {
        const n = wi + i * writers.length;
        const answer = await w.request({ type: 'publish', room: `dashboard:${prefix}${n}`, event: 'e', data });
        if (n === 0) epochOfFirst = String(answer.epoch);
        seen.push(answer.type === 'ack' ? 'ack' : `error ${String(answer.code)}`);
        w.received.length = 0;
        if (i % 50 === 0) await neighbour.pong(20_000);
      }
      return seen;
    }),
  );
  return { outcomes: outcomes.flat(), epochOfFirst };
}
