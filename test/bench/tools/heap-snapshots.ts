/**
 * Two heap snapshots of one server, as scenario 1 loads it: `node --import tsx
 * test/bench/tools/heap-snapshots.ts [hub|ws|socketio] [first] [added] [out dir]` opens `first` idle
 * connections (authenticated on the hub, each in one of 100 rooms), snapshots, opens `added` more,
 * snapshots again, and prints heap-diff.ts's per-connection table. Snapshotting after the first
 * batch rather than at zero keeps one-time costs (compiled code, pools) out of the difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenReply } from '../load/commands.js';
import type { ServerKind } from '../load/dialect.js';
import { buildHub } from '../runner/hub-build.js';
import { generateRunKeys } from '../runner/keys.js';
import { startGenerator, startServer } from '../runner/servers.js';

const [kindArg = 'hub', firstArg = '1000', addedArg = '5000', outArg = 'bench-results/heap'] = process.argv.slice(2);
const kind = kindArg as ServerKind;
const first = Number(firstArg);
const added = Number(addedArg);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const outDir = resolve(repo, outArg);
mkdirSync(outDir, { recursive: true });

if (kind === 'hub') await buildHub(outDir);
const generator = await startGenerator();
const sut = await startServer(kind, await generateRunKeys());
const rooms = Array.from({ length: 100 }, (_, i) => `dashboard:${i}`);
const open = async (count: number) => {
  const reply = await generator.call<OpenReply>(
    'open',
    { group: 'idle', count, rooms, tokenRooms: ['dashboard:*'], target: sut.target, authority: sut.authority },
    300_000,
  );
  if (reply.failed > 0) throw new Error(`${reply.failed} of ${count} connections failed`);
};
const snapshot = async (name: string) => {
  await new Promise((r) => setTimeout(r, 500)); // timers and buffers settle, as in scenario 1
  return (await sut.handle.call<{ path: string }>('heapSnapshot', { path: join(outDir, name) }, 120_000)).path;
};
try {
  await open(first);
  const before = await snapshot(`${kind}-${first}.heapsnapshot`);
  await open(added);
  const after = await snapshot(`${kind}-${first + added}.heapsnapshot`);
  const diff = fileURLToPath(new URL('heap-diff.ts', import.meta.url));
  const args = ['--import', 'tsx', diff, before, after, String(added)];
  process.stdout.write(execFileSync(process.execPath, args, { cwd: repo, encoding: 'utf8' }));
} finally {
  await generator.call('closeAll').catch(() => undefined);
  await sut.stop();
  await generator.stop();
}
