/**
 * `npm run bench [-- --quick] [--only 2,4] [--servers hub,ws] [--cpu-prof] [--out dir]`
 *
 * Runs the hub, a bare `ws` broadcast server and Socket.IO side by side through the same
 * scenarios, with servers pinned to core 0 and the load generator to core 1. Measures only:
 * prints a table of absolute figures and hub ÷ peer ratios, and writes JSON, Markdown and an SVG
 * chart. Nothing here asserts a time.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_KINDS, type ServerKind } from './load/dialect.js';
import { backgroundMeter, describeMachine } from './runner/machine.js';
import { generateRunKeys } from './runner/keys.js';
import { buildHub } from './runner/hub-build.js';
import { HAS_TASKSET } from './runner/processes.js';
import { FULL, QUICK } from './runner/profile.js';
import { startGenerator } from './runner/servers.js';
import type { RunResult, ScenarioResult } from './report/model.js';
import { writeResults } from './report/files.js';
import { terminalTable } from './report/table.js';
import type { ScenarioContext } from './scenarios/context.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { handshakeScenario } from './scenarios/handshakes.js';
import { memoryScenario } from './scenarios/memory.js';
import { resumeStormScenario } from './scenarios/resume-storm.js';
import { roomsScenario } from './scenarios/rooms.js';
import { slowConsumerScenario } from './scenarios/slow-consumers.js';
import { joinStormScenario } from './scenarios/join-storms.js';
import { presenceChurnScenario } from './scenarios/presence-churn.js';
import { startupScenario } from './scenarios/startup.js';

const SCENARIOS: Array<[number, string, (ctx: ScenarioContext) => Promise<ScenarioResult>]> = [
  [1, 'idle memory per connection', memoryScenario],
  [2, 'fan-out in one room', fanoutScenario],
  [3, 'many rooms', roomsScenario],
  [4, 'handshakes per second', handshakeScenario],
  [5, 'slow consumers', slowConsumerScenario],
  [6, 'resume storm', resumeStormScenario],
  [7, 'join storms', joinStormScenario],
  [8, 'presence churn', presenceChurnScenario],
  [9, 'start-up', startupScenario],
];

const USAGE = `usage: npm run bench -- [--quick] [--only 1,2,...] [--servers hub,ws,socketio] [--cpu-prof] [--out dir]
  --quick      short profile (under two minutes); default is the full profile
  --only       scenarios to run: ${SCENARIOS.map(([id, name]) => `${id} ${name}`).join(', ')}
  --servers    servers to include (default all three)
  --cpu-prof   write a V8 CPU profile of every server process to <out>/profiles/<server>
  --out        results folder (default bench-results)`;

function parseArgs(argv: string[]) {
  const opts = {
    quick: false,
    only: SCENARIOS.map(([id]) => id),
    servers: [...SERVER_KINDS],
    cpuProf: false,
    out: 'bench-results',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--full') opts.quick = false;
    else if (arg === '--only') opts.only = value().split(',').map(Number);
    else if (arg === '--servers') opts.servers = value().split(',') as ServerKind[];
    else if (arg === '--cpu-prof') opts.cpuProf = true;
    else if (arg === '--out') opts.out = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  for (const s of opts.servers) if (!SERVER_KINDS.includes(s)) throw new Error(`unknown server ${s}`);
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const outDir = resolve(repo, opts.out);
  const profile = opts.quick ? QUICK : FULL;
  const machine = describeMachine(HAS_TASKSET);
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  console.log(
    `Insight Hub benchmark — ${profile.name} profile — ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}, ${machine.platform} ${machine.kernel}`,
  );
  if (!HAS_TASKSET)
    console.log(
      'taskset is not available: servers and the load generator share all cores (figures are less comparable)',
    );
  if (opts.servers.includes('hub')) {
    log('building the hub (compiled JavaScript, as users run it)');
    await buildHub(outDir);
  }
  const generator = await startGenerator();
  const ctx: ScenarioContext = {
    profile,
    shared: new Map(),
    keys: await generateRunKeys(),
    generator,
    kinds: SERVER_KINDS.filter((k) => opts.servers.includes(k)),
    cpuProfileDir: opts.cpuProf ? join(outDir, 'profiles') : undefined,
    log,
    capacity1k: {},
  };
  const scenarios: ScenarioResult[] = [];
  const stop = async () => {
    await generator.stop().catch(() => {});
    for (const sut of ctx.shared.values()) await sut.stop().catch(() => {});
    process.exit(130);
  };
  process.once('SIGINT', () => {
    stop().catch((err: Error) => log(`stopping after SIGINT failed: ${err.message}`));
  });
  try {
    for (const [id, name, run] of SCENARIOS) {
      if (!opts.only.includes(id)) continue;
      log(`— scenario ${id}: ${name}`);
      const background = backgroundMeter(() => [
        generator.child.pid ?? 0,
        ...[...ctx.shared.values()].map((s) => s.handle.child.pid ?? 0),
      ]);
      try {
        const result = await run(ctx);
        result.backgroundPercent = background.stop();
        scenarios.push(result);
        log(
          `scenario ${id} took ${(result.elapsedMs / 1000).toFixed(0)} s; other processes used ${result.backgroundPercent?.toFixed(0) ?? '?'}% of the machine`,
        );
      } catch (err) {
        log(`scenario ${id} failed: ${(err as Error).message}`);
        scenarios.push({
          id,
          title: `${name} (failed: ${(err as Error).message.split('\n')[0]})`,
          metrics: [],
          detail: null,
          elapsedMs: 0,
        });
        await generator.call('closeAll').catch(() => {});
      }
    }
  } finally {
    await generator.stop();
    for (const sut of ctx.shared.values()) await sut.stop();
  }
  const run: RunResult = {
    profile: profile.name,
    startedAt: new Date(started).toISOString(),
    elapsedMs: Date.now() - started,
    command: `npm run bench --${opts.quick ? ' --quick' : ''}`,
    machine,
    scenarios,
  };
  console.log('\n' + terminalTable(run) + '\n');
  for (const path of writeResults(run, outDir)) console.log(`wrote ${path}`);
  console.log(`done in ${(run.elapsedMs / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
