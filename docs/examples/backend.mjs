// InsightEngine's backend as a hub client: it answers each dashboard's `refresh` with fresh rows
// over the SDK, and raises alerts over REST. HUB_URL is the hub's base URL (http://host:port) and
// SERVICE_TOKEN a token with role `service` for `dashboard:*`
// (`insight-hub token --sub backend --role service --room 'dashboard:*'`).
import { connect } from 'insight-hub/client';

const hubUrl = process.env.HUB_URL ?? 'http://127.0.0.1:7420';
const token = process.env.SERVICE_TOKEN;
if (!token) throw new Error('set SERVICE_TOKEN');

const client = connect({ url: `${hubUrl.replace(/^http/, 'ws')}/ws`, getToken: () => token });
client.onState((state) => console.error('hub connection:', state.status));
client.onError((error) => console.error('hub error:', error.code, error.message));

const room = client.room('dashboard:42');
room.on('refresh', async (data) => {
  const rows = await runQuery(data);
  await room.publish('query.rows', { rows });
});

/** Alerts go over REST: no connection to keep, one call per alert. */
export async function raiseAlert(roomName, alert) {
  const res = await fetch(`${hubUrl}/api/rooms/${encodeURIComponent(roomName)}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'alert', data: alert }),
  });
  if (!res.ok) throw new Error(`alert refused: ${res.status} ${(await res.json()).error}`);
  return res.json(); // { room, epoch, seq }
}

async function runQuery(request) {
  return [{ widget: request?.widgets?.[0] ?? 'all', value: 42 }];
}

await raiseAlert('dashboard:42', { id: 'a1', severity: 'info', title: 'Backend online' });
console.error('backend ready');
// Stop cleanly on SIGTERM (a deploy, Ctrl-C): close the connection and let the process end.
process.once('SIGTERM', () => client.close());
process.once('SIGINT', () => client.close());
