/** Test support: the `insight-hub` CLI run from its sources in a child process, with its output kept. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importHmacSecret } from '../../hub/auth/keys.js';
import { mintToken } from '../../hub/auth/mint.js';
import type { Hub, MintClaims } from '../../hub/server/types.js';
import { TEST_SECRET, tempDir } from './fixtures.js';
import { until } from './until.js';

/** `insight-hub …` run from its TypeScript source (the repo's tests run sources; test/package runs the build), with its output kept. */
export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited and its output ended. */
  exited: Promise<number | string>;
}

export const CLI_PATH = fileURLToPath(new URL('../../hub/cli.ts', import.meta.url));

/** How the CLI's process is started: a descriptor limit (`ulimit -n` in a shell first) and Node flags. */
export interface CliLaunch {
  ulimit?: number;
  nodeFlags?: string[];
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, launch: CliLaunch = {}): CliRun {
  const node = [process.execPath, ...(launch.nodeFlags ?? []), '--import', 'tsx', CLI_PATH, ...args];
  // `exec` keeps one process: the pid, signals and exit code are the hub's own.
  const [command, argv] =
    launch.ulimit === undefined
      ? [node[0]!, node.slice(1)]
      : ['bash', ['-c', `ulimit -n ${launch.ulimit} && exec "$@"`, 'bash', ...node]];
  const child = spawn(command, argv, {
    env: { ...process.env, INSIGHT_HUB_SECRET: undefined, INSIGHT_HUB_CONFIG: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  // 'close' comes after the output streams have ended, so stdout()/stderr() are complete by then.
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** A hub served by the CLI in a child process, usable with `connect`, `token` and friends. */
export interface ServedHub extends CliRun {
  hub: Hub;
}

/**
 * Start `insight-hub serve` on a free port with the test secret (unless `env` says otherwise) and
 * wait until it listens. `hub` is a handle for the helpers: urls, port, and tokens minted with the
 * same secret.
 */
export async function serveHub(
  args: string[] = [],
  env: Record<string, string | undefined> = {},
  timeoutMs = 20_000,
  launch: CliLaunch = {},
): Promise<ServedHub> {
  const secret = env.INSIGHT_HUB_SECRET ?? TEST_SECRET;
  const run = runCli(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(), ...args],
    { INSIGHT_HUB_SECRET: secret, INSIGHT_HUB_LOG_LEVEL: 'warn', ...env },
    launch,
  );
  await until(
    () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(run.stderr()) || run.child.exitCode !== null,
    timeoutMs,
    'the served hub to listen',
  );
  const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(run.stderr());
  if (!m) throw new Error(`insight-hub serve did not start: ${run.stderr()}`);
  const port = Number(m[2]);
  const key = await importHmacSecret(secret);
  const handle = {
    port,
    url: m[1]!,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    mintToken: (claims: MintClaims) => mintToken(key, claims),
  };
  return { ...run, hub: handle as unknown as Hub };
}
