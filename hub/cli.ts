#!/usr/bin/env node
/** `insight-hub serve | token | bench` */
import { Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT, resolveServeOptions, type CliFlags } from './server/config.js';
import { DEFAULT_PORT, defaultDataDir } from './server/options.js';
import { loadVerificationKey } from './auth/keys.js';
import { mintToken, parseTtl } from './auth/mint.js';
import { ROLES, type Role } from './protocol/index.js';
import { HUB_VERSION } from './server/version.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
// The names column is as wide as the longest name, so every description starts in one column.
const envWidth = Math.max(...Object.keys(ENVIRONMENT).map((k) => k.length));
const envHelp =
  '\nEnvironment:\n' +
  Object.entries(ENVIRONMENT)
    .map(([k, v]) => `  ${k.padEnd(envWidth)}  ${v}`)
    .join('\n') +
  '\n';

const limitsHelp = `
Limits (default) and the answer when one is hit:
  TCP connections per address (1100) / in total (51000, below the descriptor limit)
                                         HTTP 429 rate_limited / 503 unavailable, then closed
  no complete request head (5 s), body (10 s)
                                         HTTP 408, then closed
  WebSocket connections per user (50), per address (1000), total (50000)
                                         upgrade refused 429 rate_limited / 503 unavailable
  more than one credential in an upgrade 400 bad_request
  frame size (65536 bytes)               close 1009
  messages per connection (100/s, burst 200), published bytes per user (1 MiB/s, burst 4 MiB)
                                         error rate_limited (with the request id); 20 more: close 4029
  bad messages (10 per 10 s)             error, then close 1008
  send queue (1 MiB)                     close 4008
  rooms per connection (128) / presence state (1024 bytes)
                                         error conflict / too_large
  history per room (1000 messages, 10 min, 8 MiB), all rooms (heap limit / 4)
                                         oldest dropped; resuming past them: recovered false, reason evicted
  REST publish per sub (200/s, burst 400), per address (1000/s, burst 2000), body (256 KiB)
                                         HTTP 429 rate_limited / 413 too_large
  refusals written to the log (10/s)     then one "N similar refusals suppressed" line a second
`;

const program = new Command('insight-hub')
  .description('Insight Hub: real-time hub for InsightEngine dashboards')
  .version(HUB_VERSION);

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
  .option(
    '--history <store>',
    'without Redis, where history is kept: sqlite (default; survives restarts, in the data directory) or memory',
  )
  .option('--max-frame-bytes <n>', 'largest frame (default 65536)')
  .option('--rate <n>', 'messages per second per connection (default 100)')
  .option('--burst <n>', 'burst per connection (default 200)')
  .option('--max-connections <n>', 'connections in total (default 50000)')
  .option('--max-queued-bytes <n>', 'send queue cap per connection before close 4008 (default 1048576)')
  .option('--history-budget-bytes <n>', 'history kept across all rooms, memory engine (default: heap limit / 4)')
  .option('--publish-bytes-per-second <n>', 'published bytes per second per user, burst 4x (default 1048576)')
  .option(
    '--header-timeout-ms <ms>',
    'close a socket without a complete request head after this long, or a body after twice this (default 5000)',
  )
  .option(
    '--max-tcp-connections <n>',
    'TCP connections in total, kept below the descriptor limit (default max-connections + 1000)',
  )
  .option(
    '--max-tcp-connections-per-ip <n>',
    'TCP connections per source address (default 1100; at most half the connection ceiling)',
  )
  .option('--redis <url>', 'use the Redis engine (several hubs share rooms, history, presence)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug (default info)')
  .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, json when stdout is not one)')
  .option('--admin-link', 'print a console link carrying a fresh admin token (local use)')
  .addHelpText('after', envHelp + limitsHelp)
  .action(async (flags: CliFlags & { adminLink?: boolean }) => {
    // Loaded here, not at the top, so `--help` and `token` do not pay for the whole hub.
    const [{ createHub }, { hubExtensions }] = await Promise.all([
      import('./server/create-hub.js'),
      import('./extensions.js'),
    ]);
    const options = resolveServeOptions(flags);
    const hub = await createHub(options, hubExtensions()).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE' ? portInUse(options.port ?? DEFAULT_PORT) : err;
    });
    // Signals are handled before anything is printed: whoever acts on a printed line (a script,
    // a supervisor) may stop the hub at once, and it must drain, not die.
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
    if (hub.secretSource?.startsWith('generated')) console.error(`Insight Hub: ${hub.secretSource} (mode 0600)`);
    console.error(`Insight Hub listening on ${hub.url} (WebSocket ${hub.wsUrl})`);
    if (flags.adminLink) {
      const token = await hub.mintToken({
        sub: 'console',
        name: 'Console',
        role: 'admin',
        rooms: ['*'],
        ttlSec: 12 * 3600,
      });
      console.log(`Console: ${hub.url}/#token=${token}`);
    }
  });

program
  .command('token')
  .description("print a token signed with the hub's secret")
  .option('--sub <id>', "user id (default for --role service: 'service')")
  .option('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES as string[]).default('viewer'))
  .option(
    '--room <pattern>',
    "room pattern the token may join or publish to, e.g. 'dashboard:*' or '*' (repeatable; required for --role service)",
    collect,
    [],
  )
  .option('--ttl <ttl>', 'lifetime: 90s, 15m, 8h, 7d', '8h')
  .option('--data-dir <dir>', 'data directory holding the generated secret')
  .option('--secret-file <file>', 'file holding the HS256 secret')
  .option('--issuer <iss>', 'iss claim')
  .addHelpText('after', envHelp)
  .addHelpText(
    'after',
    "\nExample: a service token for InsightEngine's backend\n  npx insight-hub token --role service --room 'dashboard:*' --ttl 30d\n",
  )
  .action(
    async (o: {
      sub?: string;
      name?: string;
      role: Role;
      room: string[];
      ttl: string;
      dataDir?: string;
      secretFile?: string;
      issuer?: string;
    }) => {
      const sub = o.sub ?? (o.role === 'service' ? 'service' : undefined);
      if (!sub) throw new Error(`--sub <id> is required for role ${o.role} (the user id the token speaks for)`);
      // Without a room pattern a token can join nothing but user:<sub>: for a service, never what was meant.
      const roomHint = "--room <pattern>, e.g. --room 'dashboard:*' (repeatable; '*' for every room)";
      if (o.room.length === 0 && o.role === 'service')
        throw new Error(`a service token needs ${roomHint}: it publishes only to the rooms it names`);
      if (o.room.length === 0)
        console.error(`insight-hub: note: this token can join only user:${sub}; pass ${roomHint} for dashboards`);
      const key = await loadVerificationKey({
        secret: process.env.INSIGHT_HUB_SECRET,
        secretFile: o.secretFile ?? process.env.INSIGHT_HUB_SECRET_FILE,
        dataDir: o.dataDir ?? defaultDataDir(),
      });
      const token = await mintToken(key.signingKey!, {
        sub,
        name: o.name,
        role: o.role,
        rooms: o.room,
        ttlSec: parseTtl(o.ttl),
        issuer: o.issuer ?? process.env.INSIGHT_HUB_ISSUER,
      });
      console.log(token);
    },
  );

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

/** A taken port, with what to do about it (the README's `npm start -- --port`). */
function portInUse(port: number): Error {
  const next = port === 0 ? DEFAULT_PORT + 1 : port + 1;
  return new Error(`port ${port} is in use — pass --port (npm start -- --port ${next})`);
}

program.parseAsync().catch((err: Error & { detail?: string }) => {
  // An engine failure keeps its address and cause in `detail` (clients never see it; the operator should).
  console.error(`insight-hub: ${err.detail ?? err.message}`);
  process.exit(1);
});
