/**
 * One hub in a process of its own, for faults that kill, stop or restart it. Its settings come as
 * one JSON argument (port, Redis URL, data directory …); it prints `{"port":…}` once listening.
 * Usage: node --import tsx hub-node.ts '{"port":0,"redis":"redis://…"}'
 */
import { createHub } from '../../../hub/server/create-hub.js';
import { hubExtensions } from '../../../hub/extensions.js';
import type { HubOptionsInput } from '../../../hub/server/options.js';
import { TEST_SECRET } from '../../support/hub.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as HubOptionsInput;
const hub = await createHub(
  {
    host: '127.0.0.1',
    logLevel: process.env.HUB_LOG_LEVEL ?? 'silent',
    // Fault runs publish above the per-connection default.
    limits: { messagesPerSecond: 10_000, burst: 10_000 },
    drainTimeoutMs: 2_000,
    ...settings,
    auth: { secret: TEST_SECRET },
  },
  hubExtensions(),
);
process.stdout.write(`${JSON.stringify({ port: hub.port })}\n`);
process.on('SIGTERM', () => {
  hub.drain().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
