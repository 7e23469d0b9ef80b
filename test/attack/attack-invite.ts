/**
 * How a limited invite is used (not a test; loopback): `maxUses: 1`, then admissions from one
 * address and from others.   npx tsx test/attack/attack-invite.ts
 */
import { connect, expectRefused, startHub, token } from '../support/hub.js';

const hub = await startHub();
const admin = await connect(hub, await token(hub, { sub: 'root', role: 'admin' }));
const answer = (await admin.request({
  type: 'admin',
  action: 'invite',
  rooms: ['dashboard:*'],
  role: 'editor',
  ttlMinutes: 10,
  maxUses: 1,
})) as { token?: string };
const invite = answer.token!;
const tries: string[] = [];
for (const from of ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.3']) {
  try {
    const c = await connect(hub, invite, { localAddress: from });
    tries.push(`${from}: admitted as ${c.welcome.user.sub}`);
    c.close();
  } catch {
    const r = await expectRefused(hub, invite, { localAddress: from });
    tries.push(`${from}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
console.log(tries.join('\n'));
await hub.close();
process.exit(0);
