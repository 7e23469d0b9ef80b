#!/usr/bin/env node
// `npm run check`: format, lint, types (each runtime's tsconfig) and layers, in that order; every
// step runs even when one fails, and the exit code is non-zero if any did. `--only lint,types`
// runs a subset. The linter lives in tools/lint with its own TypeScript: installed on demand.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureLintTools } from './lint-tools.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', cwd: repo }).status ?? 1;

const withLintTools = (cmd) => () => ensureLintTools() || run('npm', ['run', '--silent', cmd]);

const STEPS = {
  format: () => run('npm', ['run', '--silent', 'format:check']),
  lint: withLintTools('lint'),
  types: () => run('npm', ['run', '--silent', 'typecheck']),
  layers: withLintTools('layers'),
};

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const failed = [];
for (const [name, step] of Object.entries(STEPS)) {
  if (only && !only.includes(name)) continue;
  console.log(`\n── check: ${name}`);
  if (step() !== 0) failed.push(name);
}
console.log(failed.length === 0 ? '\ncheck: all passed' : `\ncheck: failed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
