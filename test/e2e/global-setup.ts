/**
 * Builds the web client and starts a real hub (`insight-hub serve`) as a child process on a free
 * port with a known secret, so the specs can mint tokens. The returned function stops it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { E2E_ENV } from './support/hub-env.js';
import { startHubProcess } from './support/hub-process.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export default async function globalSetup(): Promise<() => Promise<void>> {
  await build({ configFile: join(repo, 'build/vite.renderer.config.ts'), logLevel: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'insight-hub-e2e-'));
  const config = join(dataDir, 'hub.json');
  // 2,000 simulated clients share one address and a handful of users.
  writeFileSync(
    config,
    JSON.stringify({ limits: { maxConnectionsPerIp: 10_000, maxConnectionsPerUser: 5_000, maxConnections: 20_000 } }),
  );
  const hub = await startHubProcess({ dataDir, config });
  process.env[E2E_ENV.url] = hub.url;
  process.env[E2E_ENV.dataDir] = dataDir;
  return () => hub.stop();
}
