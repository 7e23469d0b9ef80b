/**
 * The package as users get it: build into a scratch copy (so the repo's own dist/ is never
 * rewritten under other tests), `npm pack` it there with the real package.json, and install the
 * tarball into a fresh project outside the repo. Dependencies come from the npm registry (or its
 * local cache: `--prefer-offline`), pinned to the versions this repo has installed.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
};

export interface PackedFile {
  path: string;
  size: number;
}
export interface Packed {
  tarball: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

/** Builds into `scratch` and packs it; answers npm's own account of the tarball. */
export async function buildAndPack(scratch: string): Promise<Packed> {
  // The test runner's NODE_ENV=test would give the web client React's development build.
  const env = { ...process.env, NODE_ENV: 'production' };
  await run(process.execPath, [join(repo, 'build/build.mjs'), '--out', scratch], {
    cwd: repo,
    env,
    maxBuffer: 16 << 20,
  });
  // Everything `files` names that the build does not make comes from the repo as it is.
  const copied = [
    'package.json',
    'README.md',
    'LICENSE',
    ...pkg.files.filter((f) => !f.startsWith('!') && !/^(dist|renderer-dist)\//.test(f)),
  ];
  for (const entry of copied) {
    mkdirSync(dirname(join(scratch, entry)), { recursive: true });
    cpSync(join(repo, entry), join(scratch, entry), { recursive: true });
  }
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: scratch,
    maxBuffer: 16 << 20,
  });
  const [report] = JSON.parse(stdout) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: PackedFile[];
  }>;
  return {
    tarball: join(scratch, report!.filename),
    size: report!.size,
    unpackedSize: report!.unpackedSize,
    files: report!.files,
  };
}

/** `name@version` as installed in this repo, so the consumer's install can come from the cache. */
export function pinned(name: string): string {
  const { version } = JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return `${name}@${version}`;
}

/** A fresh ESM project in the system temp folder with the tarball (and `extra` packages) installed. */
export async function consumerProject(tarball: string, extra: string[]): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'insight-consumer-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--loglevel=error',
      tarball,
      ...extra,
    ],
    {
      cwd: project,
      maxBuffer: 16 << 20,
    },
  );
  if (!existsSync(join(project, 'node_modules', pkg.name, 'package.json')))
    throw new Error('the tarball did not install');
  return project;
}

/** The repo's TypeScript compiler, run on a consumer's tsconfig: answers its exit code and output. */
export async function typecheck(project: string, tsconfig: string): Promise<{ code: number; output: string }> {
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    const { stdout } = await run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], { cwd: project });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
