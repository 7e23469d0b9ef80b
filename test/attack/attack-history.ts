/**
 * History floods against `insight-hub serve` under a small heap (not a test; loopback; bounded):
 *
 *   npx tsx test/attack/attack-history.ts <door> <payload> [subs] [seconds] [heapMb]
 *
 * door: ws (editor tokens, one connection each) or rest (service tokens, POST /api/rooms/{room}/messages).
 * payload: text (one ~60 KB string: JSON length ≈ heap size) or objects (`[{},{},…]` ~60 KB of
 * JSON: each 3 bytes of JSON is an object of ~50+ bytes on the heap once parsed).
 * Each message goes to a new room (dashboard:h0, h1 …), no subscriber.
 */
import WebSocket from 'ws';
import { measure, openWs, serve, sleep, tok } from './attack-lib.js';

const [door = 'ws', payload = 'text', subsArg = '1', secondsArg = '30', heapArg = '128'] = process.argv.slice(2);
const subs = Number(subsArg);
const hub = await serve({ nodeOptions: `--max-old-space-size=${heapArg}` });
const data = payload === 'objects' ? Array.from({ length: 19_000 }, () => ({})) : 'x'.repeat(60_000);
// Serialized once: the attacker's own CPU must not slow the neighbour measured from this process.
const dataJson = JSON.stringify(data);

await measure(
  `history ${door} ${payload} subs=${subs} heap=${heapArg}MB`,
  hub,
  Number(secondsArg) * 1000,
  async (signal) => {
    let sent = 0;
    const answers = new Map<string, number>();
    const note = (k: string): void => void answers.set(k, (answers.get(k) ?? 0) + 1);
    const workers = Array.from({ length: subs }, async (_, w) => {
      const bearer = await tok({ sub: `flood${w}`, role: door === 'rest' ? 'service' : 'editor' });
      if (door === 'rest') {
        while (!signal.stopped) {
          try {
            const res = await fetch(`http://127.0.0.1:${hub.port}/api/rooms/dashboard:h${w}-${sent++}/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
              body: `{"event":"e","data":${dataJson}}`,
            });
            note(String(res.status));
            await res.arrayBuffer();
            if (res.status === 429) await sleep(50);
          } catch (e) {
            note(`fetch: ${(e as Error).message}`);
            await sleep(200);
          }
        }
        return;
      }
      let ws: WebSocket | undefined;
      while (!signal.stopped) {
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          try {
            ws = await openWs(hub.port, bearer, '127.0.0.3');
            ws.on('message', (d) => {
              const m = JSON.parse(d.toString()) as { type: string; code?: string };
              note(m.type === 'error' ? `error ${m.code}` : m.type);
            });
            ws.on('close', (c) => note(`close ${c}`));
          } catch (e) {
            note(`connect: ${(e as Error).message}`);
            await sleep(500);
            continue;
          }
        }
        // Keep about 1 MB in flight: as fast as the hub acks.
        if (ws.bufferedAmount < 1_000_000)
          ws.send(
            `{"type":"publish","id":"m${sent}","room":"dashboard:h${w}-${sent++}","event":"e","data":${dataJson}}`,
          );
        else await sleep(5);
        if (sent % 20 === 0) await sleep(1);
      }
      ws?.terminate();
    });
    await Promise.all(workers);
    let metrics = '';
    try {
      metrics = (await (await fetch(`http://127.0.0.1:${hub.port}/metrics`)).text())
        .split('\n')
        .filter((l) =>
          /^insight_hub_history_(bytes|budget_bytes|evicted_total)|^process_heap|^insight_hub_process/.test(l),
        )
        .join(' | ');
    } catch (e) {
      metrics = `metrics: ${(e as Error).message}`;
    }
    return `${sent} sent; answers ${JSON.stringify(Object.fromEntries(answers))}; ${metrics}`;
  },
);
const tail = hub
  .err()
  .split('\n')
  .filter((l) => /heap|FATAL|memory/i.test(l))
  .slice(-3)
  .join(' / ');
if (tail) console.log('hub stderr:', tail);
hub.stop();
process.exit(0);
