/**
 * A refusal flood of mixed kinds from 19 addresses (not a test; loopback; bounded):
 *   npx tsx test/attack/attack-refusals.ts [seconds]
 * Bad tokens, forbidden origins, wrong paths, query tokens, bad frames after an upgrade and
 * failed REST calls, as fast as the hub answers; prints the hub's stdout bytes and audit log size.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { measure, serve, sleep } from './attack-lib.js';

const seconds = Number(process.argv[2] ?? 20);
const hub = await serve();
const kinds = [
  { path: '/ws', headers: { authorization: 'Bearer x.y.z' } },
  { path: '/ws', headers: { authorization: 'Bearer e30.e30.sig', origin: `https://evil.example/${'o'.repeat(8000)}` } },
  { path: '/wss', headers: {} },
  { path: '/ws?token=abc', headers: {} },
  { path: '/api/rooms/dashboard:1/messages', method: 'POST', headers: { authorization: 'Bearer bad' } },
  { path: '/api/session', headers: { authorization: `Bearer ${'a'.repeat(6000)}` } },
];
await measure(`mixed refusals x19 addresses`, hub, seconds * 1000, async (signal) => {
  let sent = 0;
  const statuses = new Map<number | string, number>();
  const workers = Array.from({ length: 38 }, async (_, w) => {
    while (!signal.stopped) {
      const k = kinds[(sent++ + w) % kinds.length]!;
      const upgrade = k.path.startsWith('/ws');
      await new Promise<void>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port: hub.port,
          path: k.path,
          method: k.method ?? 'GET',
          localAddress: `127.0.0.${10 + (w % 19)}`,
          headers: upgrade
            ? {
                connection: 'Upgrade',
                upgrade: 'websocket',
                'sec-websocket-version': '13',
                'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
                'sec-websocket-protocol': 'insight.v1',
                ...k.headers,
              }
            : k.headers,
        });
        req.on(
          'response',
          (res) => (
            statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1),
            res.resume(),
            res.on('end', resolve)
          ),
        );
        req.on('upgrade', (_res, socket) => (socket.destroy(), resolve()));
        req.on('error', (e) => (statuses.set(e.message, (statuses.get(e.message) ?? 0) + 1), resolve()));
        req.end();
      });
    }
  });
  await Promise.all(workers);
  await sleep(1500);
  return `${sent} sent; ${JSON.stringify(Object.fromEntries(statuses))}`;
});
const dir = hub.dataDir;
const audit = readdirSync(dir)
  .filter((f) => f.startsWith('audit'))
  .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
console.log(JSON.stringify({ stdoutBytes: hub.out(), stderrBytes: hub.err().length, auditBytes: audit }));
hub.stop();
process.exit(0);
