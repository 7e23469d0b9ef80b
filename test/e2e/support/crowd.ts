/**
 * Many plain protocol clients from the test process: each connects with a bearer token, waits for
 * `welcome` and joins a room. Opened in batches so the hub sees a burst, not a storm of timeouts.
 */
import WebSocket from 'ws';
import { hubWsUrl } from './hub-env.js';
import { mint } from './tokens.js';

export interface Crowd {
  sockets: WebSocket[];
  close(): Promise<void>;
}

export async function connectCrowd(
  count: number,
  options: { users: number; rooms: number; prefix: string; batch?: number },
): Promise<Crowd> {
  const tokens = await Promise.all(
    Array.from({ length: options.users }, (_, i) =>
      mint({ sub: `${options.prefix}-${i}`, name: `Sim ${i}`, role: 'viewer', rooms: [`${options.prefix}:*`] }),
    ),
  );
  const sockets: WebSocket[] = [];
  const batch = options.batch ?? 100;
  for (let start = 0; start < count; start += batch) {
    const opened = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const i = start + k;
      return openOne(tokens[i % tokens.length]!, `${options.prefix}:room-${i % options.rooms}`);
    });
    sockets.push(...(await Promise.all(opened)));
  }
  return {
    sockets,
    async close() {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(1000, 'test done');
            }),
        ),
      );
    },
  };
}

function openOne(token: string, room: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(hubWsUrl(), 'insight.v1', {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const timer = setTimeout(() => reject(new Error('no welcome within 20 s')), 20_000);
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id?: string };
      if (msg.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', id: 'join', room }));
      else if (msg.type === 'ack' && msg.id === 'join') {
        clearTimeout(timer);
        resolve(ws);
      } else if (msg.type === 'error' && msg.id === 'join') {
        clearTimeout(timer);
        reject(new Error(`join ${room} refused: ${data.toString()}`));
      }
    });
  });
}
