/**
 * Publishing over REST as InsightEngine's backend does: a service token and POST
 * /api/rooms/{room}/messages. `token` publishes as someone else (an editor, say).
 */
import type { Json } from '../../../hub/protocol/index.js';
import { hubUrl } from './hub-env.js';
import { serviceToken } from './tokens.js';

export async function publish(
  room: string,
  event: string,
  data: Json,
  token?: string,
): Promise<{ room: string; epoch: string; seq: number }> {
  const res = await fetch(`${hubUrl()}/api/rooms/${encodeURIComponent(room)}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token ?? (await serviceToken())}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event, data }),
  });
  const body = (await res.json()) as { room: string; epoch: string; seq: number; message?: string };
  if (res.status !== 201) throw new Error(`publish to ${room} answered ${res.status}: ${body.message}`);
  return body;
}
