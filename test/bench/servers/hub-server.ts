/**
 * The hub under test, started with `createHub` from the compiled package as an embedding
 * application would. Limits that
 * exist to protect a shared hub from one user (rate, per-IP and per-user connection caps) are
 * raised so the benchmark measures the fast path; the slow-consumer cap stays at its default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtLibrary } from '../runner/hub-build.js';
import { runServer, serverSettings } from './control.js';

// The compiled library, as an embedding application imports it; the sources give only its type.
const { createHub } = (await import(builtLibrary())) as typeof import('../../../hub/index.js');

const settings = serverSettings<{ secret?: string; publicKey?: string; logLevel?: string }>();
const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));

const hub = await createHub({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  auth: settings.publicKey ? { publicKey: settings.publicKey } : { secret: settings.secret },
  logLevel: settings.logLevel ?? 'error',
  limits: {
    messagesPerSecond: 1e9,
    burst: 1e9,
    publishBytesPerSecond: 1e12,
    maxConnectionsPerIp: 1e6,
    maxConnectionsPerUser: 1e6,
    maxConnections: 1e6,
  },
});

runServer(hub.port, {}, async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});
