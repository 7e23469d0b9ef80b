/**
 * A Redis engine in a process of its own, for tests that kill a hub outright (SIGKILL): it starts,
 * subscribes, puts the given members in presence, prints `ready` and waits to be killed.
 * Usage: node --import tsx redis-engine-node.ts <url> <keyPrefix> <nodeId> <room> <clientId>…
 */
import { RedisEngine } from '../../hub/engines/redis/engine.js';

const [url, keyPrefix, nodeId, room, ...clientIds] = process.argv.slice(2);

const engine = new RedisEngine({
  url,
  keyPrefix,
  nodeId,
  historyPolicy: () => ({ maxMessages: 1000, maxAgeMs: 600_000 }),
  heartbeatMs: 200,
  nodeTtlMs: 1_000,
});

await engine.start({ message() {}, presence() {}, control() {}, state() {} });
await engine.subscribe(room);
for (const clientId of clientIds) {
  await engine.presenceSet(room, { clientId, sub: `user-${clientId}`, name: clientId, state: { view: room } });
}
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
