#!/usr/bin/env node
/** `insight-hub serve | token | bench` */
import { Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHub } from './server/create-hub.js';
import { hubExtensions } from './extensions.js';
import { ENVIRONMENT, resolveServeOptions, type CliFlags } from './server/config.js';
import { defaultDataDir } from './server/options.js';
import { loadVerificationKey } from './auth/keys.js';
import { mintToken, parseTtl } from './auth/mint.js';
import { ROLES, type Role } from './protocol/index.js';
import { HUB_VERSION } from './server/version.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const envHelp = '\nEnvironment:\n' + Object.entries(ENVIRONMENT).map(([k, v]) => `  ${k.padEnd(30)} ${v}`).join('\n') + '\n';

const program = new Command('insight-hub').description('Insight Hub: real-time hub for InsightEngine dashboards').version(HUB_VERSION);

program
  .command('serve')
  .description('run the hub (WebSocket at /ws, REST at /api, web client at /)')
  .option('-c, --config <file>', 'JSON config file (same shape as createHub options)')
  .option('-p, --port <port>', 'port (default 7420)')
  .option('-H, --host <address>', 'bind address (default 127.0.0.1; 0.0.0.0 to share on the network)')
  .option('--data-dir <dir>', 'data directory: generated secret, bans, audit log (default ~/.insight-hub)')
  .option('--secret-file <file>', 'file holding the HS256 secret (generated in the data dir when none is given)')
  .option('--public-key <file>', 'verify tokens with a PEM public key (RS256/ES256/EdDSA) instead of a secret')
  .option('--jwks-url <url>', 'verify tokens with keys from a JWKS URL')
  .option('--issuer <iss>', 'require this iss claim')
  .option('--allowed-origin <origin>', 'allow a browser Origin (repeatable; exact match)', collect)
  .option('--allowed-host <host>', 'allow a Host header value (repeatable)', collect)
  .option('--public-url <url>', 'public URL of the hub, used in invite links')
  .option('--tls-cert <file>', 'PEM certificate: serve https/wss')
  .option('--tls-key <file>', 'PEM private key for --tls-cert')
  .option('--heartbeat-ms <ms>', 'WebSocket ping interval (default 25000)')
  .option('--drain-timeout-ms <ms>', 'graceful shutdown limit (default 10000)')
  .option('--history-messages <n>', 'messages kept per room (default 1000)')
  .option('--history-minutes <n>', 'minutes kept per room (default 10)')
  .option('--max-frame-bytes <n>', 'largest frame (default 65536)')
  .option('--rate <n>', 'messages per second per connection (default 100)')
  .option('--burst <n>', 'burst per connection (default 200)')
  .option('--max-connections <n>', 'connections in total (default 50000)')
  .option('--max-queued-bytes <n>', 'send queue cap per connection before close 4008 (default 1048576)')
  .option('--redis <url>', 'use the Redis engine (several hubs share rooms, history, presence)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug (default info)')
  .option('--admin-link', 'print a console link carrying a fresh admin token (local use)')
  .addHelpText('after', envHelp)
  .action(async (flags: CliFlags & { adminLink?: boolean }) => {
    const hub = await createHub(resolveServeOptions(flags), hubExtensions());
    if (hub.secretSource?.startsWith('generated')) console.error(`Insight Hub: ${hub.secretSource} (mode 0600)`);
    console.error(`Insight Hub listening on ${hub.url} (WebSocket ${hub.wsUrl})`);
    if (flags.adminLink) {
      const token = await hub.mintToken({ sub: 'console', name: 'Console', role: 'admin', rooms: ['*'], ttlSec: 12 * 3600 });
      console.log(`Console: ${hub.url}/#token=${token}`);
    }
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      console.error(`Insight Hub: ${signal}, draining`);
      hub.drain().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('token')
  .description("print a token signed with the hub's secret")
  .requiredOption('--sub <id>', 'user id')
  .option('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES as string[]).default('viewer'))
  .option('--room <pattern>', "room pattern, e.g. 'dashboard:*' (repeatable)", collect, [])
  .option('--ttl <ttl>', 'lifetime: 90s, 15m, 8h, 7d', '8h')
  .option('--data-dir <dir>', 'data directory holding the generated secret')
  .option('--secret-file <file>', 'file holding the HS256 secret')
  .option('--issuer <iss>', 'iss claim')
  .addHelpText('after', envHelp)
  .action(async (o: { sub: string; name?: string; role: Role; room: string[]; ttl: string; dataDir?: string; secretFile?: string; issuer?: string }) => {
    const key = await loadVerificationKey({
      secret: process.env.INSIGHT_HUB_SECRET,
      secretFile: o.secretFile ?? process.env.INSIGHT_HUB_SECRET_FILE,
      dataDir: o.dataDir ?? defaultDataDir(),
    });
    const token = await mintToken(key.signingKey!, {
      sub: o.sub,
      name: o.name,
      role: o.role,
      rooms: o.room,
      ttlSec: parseTtl(o.ttl),
      issuer: o.issuer ?? process.env.INSIGHT_HUB_ISSUER,
    });
    console.log(token);
  });

program
  .command('bench')
  .description('run the benchmarks (hub against bare ws and Socket.IO)')
  .allowUnknownOption()
  .action((_o, cmd: Command) => {
    const runner = fileURLToPath(new URL('../test/bench/run.ts', import.meta.url));
    if (!existsSync(runner)) {
      console.error('The benchmarks ship with the source checkout (test/bench); run `npm run bench` there.');
      process.exit(2);
    }
    const child = spawn(process.execPath, ['--import', 'tsx', runner, ...cmd.args], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 1));
  });

program.parseAsync().catch((err: Error) => {
  console.error(`insight-hub: ${err.message}`);
  process.exit(1);
});
