/**
 * Can one source address take every TCP slot? (not a test; loopback; bounded)
 *   npx tsx test/attack/attack-ceiling.ts [ulimit]
 * Opens sockets from 127.0.0.10 until the hub refuses one, then tries /healthz from 127.0.0.2.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { serve } from './attack-lib.js';

const ulimit = Number(process.argv[2] ?? 256);
const hub = await serve({ ulimit });
const held: Socket[] = [];
let refusedWith = '';
while (!refusedWith && held.length < 5000) {
  const s = connect({ host: '127.0.0.1', port: hub.port, localAddress: '127.0.0.10' });
  s.on('error', () => {});
  refusedWith = await new Promise<string>((resolve) => {
    s.once('data', (d) => resolve(d.toString('latin1').split('\r\n')[0]!));
    // Accepted and counted: the hub says nothing until the header timeout.
    setTimeout(() => resolve(''), 5);
  });
  if (!refusedWith) held.push(s);
}
const visitor = await new Promise<string>((resolve) => {
  const req = request({ host: '127.0.0.1', port: hub.port, path: '/healthz', localAddress: '127.0.0.2' }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve(`${res.statusCode} ${body}`));
  });
  req.on('error', (e) => resolve(e.message));
  req.end();
});
console.log(
  JSON.stringify({
    ulimit,
    heldByOneAddress: held.length,
    thenRefusedWith: refusedWith,
    visitorFrom127_0_0_2: visitor,
    alive: hub.alive(),
  }),
);
for (const s of held) s.destroy();
hub.stop();
process.exit(0);
