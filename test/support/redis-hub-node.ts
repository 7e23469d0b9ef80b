/**
 * One hub in a process of its own on the Redis engine, for multi-hub tests that kill hubs outright.
 * It prints one JSON line `{"port":…,"nodeId":…}` once listening, and drains on SIGTERM.
 * Usage: node --import tsx redis-hub-node.ts <redisUrl | memory> <keyPrefix> <nodeId>
 * The engine is built here (not from `--redis`) to shorten the heartbeat so dead hubs are swept fast;
 * `memory` runs the default in-memory engine instead (a single-hub baseline for measurements).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, historyPolicyFor } from '../../hub/server/create-hub.js';
import { hubExtensions } from '../../hub/extensions.js';
import { resolveOptions, type HubOptionsInput } from '../../hub/server/options.js';
import { createRedisEngine } from '../../hub/engines/redis/index.js';
import { TEST_SECRET } from './hub.js';

const [redisUrl, keyPrefix, nodeId] = process.argv.slice(2);

const input: HubOptionsInput = {
  port: 0,
  host: '127.0.0.1',
  dataDir: mkdtempSync(join(tmpdir(), `insight-hub-${nodeId}-`)),
  logLevel: process.env.HUB_LOG_LEVEL ?? 'silent',
  auth: { secret: TEST_SECRET },
  // Load tests publish far above the per-connection default.
  limits: { messagesPerSecond: 100_000, burst: 100_000, publishBytesPerSecond: 1e12 },
  drainTimeoutMs: 2_000,
};
const engine =
  redisUrl === 'memory'
    ? undefined
    : createRedisEngine({
        url: redisUrl,
        keyPrefix,
        nodeId,
        historyPolicy: historyPolicyFor(resolveOptions(input)),
        heartbeatMs: 200,
        nodeTtlMs: 1_000,
        reconnectMaxDelayMs: 200,
      });
const hub = await createHub({ ...input, engine }, hubExtensions());
process.stdout.write(`${JSON.stringify({ port: hub.port, nodeId })}\n`);
process.on('SIGTERM', () => {
  hub.drain().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
