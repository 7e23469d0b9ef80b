/**
 * TCP-level attacks against `insight-hub serve` (not a test; loopback only; bounded):
 *
 *   npx tsx test/attack/attack-tcp.ts <mode> [ulimit] [sockets] [addresses] [seconds]
 *
 * modes: idle (connect, never send), slowhead (a request head one byte a second), slowbody (a
 * complete REST POST head, body never sent), upgrade-silence (a complete authorised upgrade head,
 * then nothing: no pong, no frames). The attacker keeps `sockets` open, re-opening each one the hub
 * closes, spread over 127.0.0.(10..10+addresses-1). Prints the neighbour's figures and how long the
 * hub held the attacker's sockets.
 */
import { connect, type Socket } from 'node:net';
import { measure, serve, sleep, tok } from './attack-lib.js';

const [mode = 'idle', ulimitArg = '256', socketsArg = '400', addrArg = '1', secondsArg = '20'] = process.argv.slice(2);
const ulimit = Number(ulimitArg);
const sockets = Number(socketsArg);
const addresses = Number(addrArg);
const seconds = Number(secondsArg);

const hub = await serve({ ulimit });
const bearer = await tok({ sub: 'attacker', role: 'editor' });

function head(): string {
  if (mode === 'slowhead')
    return `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${hub.port}\r\nX-Pad: ${'a'.repeat(200)}\r\n\r\n`;
  if (mode === 'slowbody')
    return `POST /api/rooms/dashboard:1/messages HTTP/1.1\r\nHost: 127.0.0.1:${hub.port}\r\nAuthorization: Bearer ${bearer}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`;
  if (mode === 'upgrade-silence') {
    return [
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${hub.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol: insight.v1',
      `Authorization: Bearer ${bearer}`,
      '',
      '',
    ].join('\r\n');
  }
  return '';
}

await measure(
  `${mode} ulimit=${ulimit} sockets=${sockets} addresses=${addresses}`,
  hub,
  seconds * 1000,
  async (signal) => {
    let opened = 0;
    let connectErrors = 0;
    let closedByHub = 0;
    const held: number[] = [];
    const answers = new Map<string, number>();
    const live = new Set<Socket>();
    const open = (slot: number): void => {
      if (signal.stopped) return;
      const s = connect({ host: '127.0.0.1', port: hub.port, localAddress: `127.0.0.${10 + (slot % addresses)}` });
      const at = performance.now();
      let first = '';
      let drip: NodeJS.Timeout | undefined;
      opened++;
      live.add(s);
      s.on('connect', () => {
        const text = head();
        if (mode === 'slowhead') {
          let i = 0;
          drip = setInterval(() => (i < text.length && !s.destroyed ? s.write(text[i++]!) : clearInterval(drip)), 1000);
        } else if (text) s.write(text);
      });
      s.on('data', (d) => {
        if (!first) first = d.toString('latin1').split('\r\n')[0]!;
      });
      s.on('error', () => (connectErrors += s.bytesRead === 0 && !first ? 1 : 0));
      s.on('close', () => {
        clearInterval(drip);
        live.delete(s);
        if (signal.stopped) return;
        closedByHub++;
        held.push(performance.now() - at);
        const key = first || '(no bytes)';
        answers.set(key, (answers.get(key) ?? 0) + 1);
        // Re-open after a short pause, as a patient attacker does.
        setTimeout(() => open(slot), 50);
      });
    };
    for (let i = 0; i < sockets; i++) {
      open(i);
      if (i % 50 === 49) await sleep(20);
    }
    while (!signal.stopped) await sleep(100);
    const stillOpen = live.size;
    for (const s of live) s.destroy();
    held.sort((a, b) => a - b);
    const top = [...answers].sort((a, b) => b[1] - a[1]).slice(0, 4);
    return `${opened} opened, ${connectErrors} errors, ${closedByHub} closed by hub, held median ${Math.round(held[held.length >> 1] ?? NaN)} ms max ${Math.round(held.at(-1) ?? NaN)} ms; answers ${JSON.stringify(Object.fromEntries(top))}; still open at end ${stillOpen}`;
  },
);
hub.stop();
process.exit(0);
