/**
 * The hub as users run it: compiled JavaScript, no TypeScript loader (a loader's helpers and
 * module hooks would be part of every figure). Built afresh at the start of each run into the
 * run's own folder, so the figures are this checkout's sources and never a stale or shared dist/.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
/** Where the runner tells its server processes the build is (they inherit its environment). */
const BUILD_ENV = 'INSIGHT_HUB_BENCH_BUILD';

export async function buildHub(outDir: string): Promise<void> {
  const dir = join(outDir, 'hub-build');
  await promisify(execFile)(process.execPath, [join(REPO, 'build/build.mjs'), '--out', dir, '--skip-renderer'], {
    cwd: REPO,
  });
  // The compiled files resolve their dependencies from here wherever --out put them.
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // ES modules, as the package declares: outside the repo (--out /tmp/…) no package.json above
  // would say so, and the servers' TypeScript loader would turn them into CommonJS.
  const { name, version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, string>;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version, private: true, type: 'module' })}\n`);
  process.env[BUILD_ENV] = dir;
}

function builtDir(): string {
  const dir = process.env[BUILD_ENV];
  if (!dir) throw new Error(`${BUILD_ENV} is not set: the runner builds the hub before it starts one`);
  return dir;
}

/** `import()` specifier of the compiled library entry (what `import 'insight-hub'` loads). */
export function builtLibrary(): string {
  return pathToFileURL(join(builtDir(), 'dist/index.js')).href;
}

/** The compiled CLI (what `npx insight-hub` runs). */
export function builtCli(): string {
  return join(builtDir(), 'dist/cli.js');
}
