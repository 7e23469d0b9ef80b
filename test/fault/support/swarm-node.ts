/**
 * SDK clients in a process of their own (so the suite can stop them with SIGSTOP, and so an error
 * the SDK lets escape ends this process, not the test runner). Settings come as one JSON argument;
 * it reports on stdout, one JSON object a line: every delivered message (`d`), room states,
 * connection states, resets, and `report` answers; it reads commands on stdin.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { connect, type InsightClient, type WebSocketConstructor } from '../../../hub/client/index.js';
import { TEST_SECRET } from '../../support/hub.js';
import type { SwarmSettings } from './swarm.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as SwarmSettings;
const key = new TextEncoder().encode(TEST_SECRET);
const out = (event: object): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

function tokenFor(sub: string): Promise<string> {
  return new SignJWT({ sub, name: sub, role: 'editor', rooms: ['*'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('insight-hub')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

const clients: InsightClient[] = settings.clients.map((spec, c) => {
  const client = connect({
    url: settings.urls,
    getToken: () => tokenFor(spec.sub),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    pingIntervalMs: settings.pingIntervalMs,
    ackTimeoutMs: settings.ackTimeoutMs,
    backoff: settings.backoff,
  });
  client.onState((s) => out({ t: 'state', c, status: s.status }));
  for (const name of spec.rooms) {
    const room = client.room(name, settings.historyLimit ? { history: { limit: settings.historyLimit } } : undefined);
    const deliver = (data: unknown, m: { epoch: string; seq: number }): void =>
      out({ t: 'd', c, room: name, id: (data as { id?: unknown } | null)?.id ?? null, epoch: m.epoch, seq: m.seq });
    room.on('*', deliver);
    // After a reset the new epoch's kept messages come with the answer: the app applies them too.
    room.onJoin((answer) => {
      for (const m of answer.history) deliver(m.data, m);
      out({ t: 'join', c, room: name, epoch: answer.epoch, seq: answer.seq, recovered: answer.recovered });
    });
    room.onStateChange((s) =>
      out({ t: 'room', c, room: name, status: s.status, error: 'error' in s ? s.error.code : undefined }),
    );
    room.onReset((reason) => out({ t: 'reset', c, room: name, reason }));
  }
  return client;
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string };
  if (cmd.cmd === 'report') {
    out({
      t: 'report',
      clients: clients.map((client, c) => ({
        state: client.state.status,
        rooms: Object.fromEntries(settings.clients[c]!.rooms.map((r) => [r, client.room(r).state.status])),
        outstanding: client.outstanding,
      })),
    });
  } else if (cmd.cmd === 'close') {
    for (const client of clients) client.close();
    out({ t: 'closed' });
  }
});
out({ t: 'started', pid: process.pid });
