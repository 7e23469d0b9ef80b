/** Starting the servers under test, each in its own process pinned to core 0. */
import { join } from 'node:path';
import type { Target } from '../load/commands.js';
import type { ServerKind } from '../load/dialect.js';
import type { TokenAuthority } from '../load/tokens.js';
import type { LoopDelay, ServerCpu, ServerMemory } from '../servers/control.js';
import type { RunKeys } from './keys.js';
import { ChildHandle } from './processes.js';

export const SERVER_CPU = 0;
export const GENERATOR_CPU = 1;

export interface ServerVariant {
  /** Hub: how tokens are verified (default HS256). */
  alg?: 'HS256' | 'ES256';
  /** Socket.IO: connection state recovery on. */
  recovery?: boolean;
}

export interface ServerUnderTest {
  kind: ServerKind;
  label: string;
  handle: ChildHandle;
  target: Target;
  /** What the load generator signs tokens with (hub only). */
  authority?: TokenAuthority;
  cpu(): Promise<ServerCpu>;
  loopDelay(): Promise<LoopDelay>;
  memory(collect: boolean): Promise<ServerMemory>;
  stop(): Promise<void>;
}

const SCRIPTS: Record<ServerKind, string> = {
  hub: 'servers/hub-server.ts',
  ws: 'servers/ws-broadcast.ts',
  socketio: 'servers/socketio-broadcast.ts',
};

export async function startServer(
  kind: ServerKind,
  keys: RunKeys,
  variant: ServerVariant = {},
  cpuProfileDir?: string,
): Promise<ServerUnderTest> {
  const alg = variant.alg ?? 'HS256';
  const settings =
    kind === 'hub'
      ? alg === 'ES256'
        ? { publicKey: keys.es256.publicKeyPem }
        : { secret: keys.secret }
      : { recovery: variant.recovery ?? false };
  const label = kind === 'hub' ? `hub ${alg}` : kind === 'socketio' && variant.recovery ? 'socketio+recovery' : kind;
  // One folder per server, so a hub profile can be set beside its peers' for the same job.
  const nodeFlags = cpuProfileDir
    ? ['--cpu-prof', '--cpu-prof-dir', join(cpuProfileDir, label.replace(/\W+/g, '-'))]
    : [];
  const handle = await ChildHandle.start(label, { script: SCRIPTS[kind], cpu: SERVER_CPU, settings, nodeFlags });
  const authority: TokenAuthority | undefined =
    kind !== 'hub'
      ? undefined
      : alg === 'ES256'
        ? { alg, privateKeyPem: keys.es256.privateKeyPem }
        : { alg, secret: keys.secret };
  return {
    kind,
    label,
    handle,
    target: { kind, host: '127.0.0.1', port: await handle.port() },
    authority,
    cpu: () => handle.call<ServerCpu>('cpu'),
    loopDelay: () => handle.call<LoopDelay>('loopDelay'),
    memory: (collect) => handle.call<ServerMemory>(collect ? 'memory' : 'sample'),
    stop: () => handle.stop(),
  };
}

export function startGenerator(): Promise<ChildHandle> {
  return ChildHandle.start('load generator', { script: 'load/generator.ts', cpu: GENERATOR_CPU });
}
