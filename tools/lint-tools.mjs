// The linter and the layer check need tools/lint's packages (ESLint, and a TypeScript with a JS API
// that the layers read sources with). A fresh clone after `npm ci` lacks them: install on demand, so
// `npm run check` and `npm test` both work as the first command after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** 0 when the packages are there (or were just installed), else the install's exit status. */
export function ensureLintTools() {
  if (existsSync(new URL('lint/node_modules/eslint/package.json', import.meta.url))) return 0;
  return spawnSync('npm', ['run', '--silent', 'lint:install'], { stdio: 'inherit', cwd: repo }).status ?? 1;
}
