/** Test support for the history tests: clients closed together, numbered publishes, and the seqs a subscribe replayed. */
import type { Hub } from '../../hub/server/types.js';
import type { RoomMessage } from '../../hub/protocol/index.js';
import { connect, token, type TestClient } from './hub.js';

const clients: TestClient[] = [];

/** Close every client `client` opened. */
export function closeClients(): void {
  for (const c of clients.splice(0)) c.close();
}

export async function client(h: Hub, sub: string, rooms = ['*']): Promise<TestClient> {
  const c = await connect(h, await token(h, { sub, rooms }));
  clients.push(c);
  return c;
}

export async function publishMany(c: TestClient, room: string, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) await c.request({ type: 'publish', room, event: 'n', data: { i }, echo: true });
}

export const seqs = (messages: RoomMessage[]): number[] => messages.map((m) => m.seq);
export const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The `message` frames a subscribe replayed, proven complete by a later ping's pong. */
export async function replayed(c: TestClient, room: string): Promise<number[]> {
  c.send({ type: 'ping', id: `after-${room}` });
  await c.waitFor((m) => m.type === 'pong' && m.id === `after-${room}`);
  return seqs(c.messages(room));
}
