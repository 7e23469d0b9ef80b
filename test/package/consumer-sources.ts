/** The sources the package test installs beside the tarball: a serving hub script and three TypeScript consumers (one that must fail). */
import { mkdirSync } from 'node:fs';

/** The signing secret of every hub the package test starts. */
export const SECRET = 'package-test-secret-that-is-long-enough-0123456789';

/** A hub from the installed package serving `webRoot`; prints its URL and three tokens. */
export function servePageScript(webRoot: string): string {
  mkdirSync(webRoot, { recursive: true });
  return `import { createHub } from 'insight-hub';
const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: './serve-data', logLevel: 'warn', webRoot: ${JSON.stringify(webRoot)}, auth: { secret: '${SECRET}' } });
const editor = await hub.mintToken({ sub: 'editor', role: 'editor', rooms: ['dashboard:*'] });
const service = await hub.mintToken({ sub: 'backend', role: 'service', rooms: ['dashboard:*'] });
const browser = await hub.mintToken({ sub: 'browser', name: 'Browser', role: 'editor', rooms: ['dashboard:*'] });
console.log(['ready', hub.url, editor, service, browser].join(' '));
process.once('SIGTERM', () => hub.drain(1000).then(() => process.exit(0)));`;
}

export const TYPED_CONSUMER = `import { createHub, type Hub, type HubOptionsInput } from 'insight-hub';
import { connect, ClientError, type ConnectionState, type InsightClient, type PublishAck, type RoomMessage } from 'insight-hub/client';
import { CloseCode, type ErrorCode, type ServerMessage } from 'insight-hub/protocol';
import { WebSocket } from 'ws';

const options: HubOptionsInput = { port: 0, limits: { maxFrameBytes: 65536 }, auth: { secret: 'x'.repeat(32) } };
export async function main(): Promise<void> {
  const hub: Hub = await createHub(options);
  const token: string = await hub.mintToken({ sub: 'a', role: 'editor', rooms: ['dashboard:*'] });
  const client: InsightClient = connect({ url: hub.wsUrl, getToken: () => token, WebSocket });
  client.onState((state: ConnectionState) => {
    if (state.status === 'closed') console.log(state.code, state.reason, state.until);
  });
  const room = client.room('dashboard:1');
  room.on('*', (data, message: RoomMessage) => console.log(data, message.seq));
  const ack: PublishAck = await room.publish('refresh', { widgets: ['w1'] });
  console.log(ack.epoch, ack.seq, CloseCode);
  client.onError((error: ClientError) => {
    const code: string = error.code;
    console.log(code);
  });
  const frame = {} as ServerMessage;
  if (frame.type === 'error') {
    const code: ErrorCode = frame.code;
    console.log(code);
  }
  client.close();
  await hub.drain();
}
`;

export const BROWSER_CONSUMER = `import { connect, type PresenceMember } from 'insight-hub/client';
import { isValidRoomName } from 'insight-hub/protocol';
const client = connect({ url: 'wss://hub.example/ws', getToken: async () => (await fetch('/api/hub-token')).text() });
const room = client.room('dashboard:1');
room.onPresence((members: PresenceMember[]) => document.title = String(members.length));
console.log(isValidRoomName('dashboard:1'));
`;

export const WRONG_CONSUMER = `import { createHub } from 'insight-hub';
import { connect } from 'insight-hub/client';
import { CloseCode } from 'insight-hub/protocol';
const hub = await createHub({ port: '7420' }); // wrong
await hub.mintToken({ role: 'editor', rooms: [] }); // wrong
const client = connect({ url: hub.wsUrl }); // wrong
const room = client.room('dashboard:1');
await room.publish(42, { a: 1 }); // wrong
room.publish('refresh', () => 1); // wrong
room.on('refresh', (data: string) => data); // wrong
const code: string = CloseCode; // wrong
export {};
`;
