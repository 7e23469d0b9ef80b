#!/usr/bin/env node
// Runs every suite (vitest: unit + integration; Playwright: e2e) and prints one closing line with
// the real counts from their JSON reports: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildIfStale } from '../build/stale.mjs';
import { ensureLintTools } from '../tools/lint-tools.mjs';

const results = 'test-results';
mkdirSync(results, { recursive: true });
const vitestJson = `${results}/vitest.json`;
const playwrightJson = `${results}/playwright.json`;
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });
const extra = process.argv.slice(2);
// The e2e hub serves the web client and the CLI runs compiled: build what is missing or stale.
buildIfStale();
// The layer test reads sources with the linter's TypeScript (tools/lint).
if (ensureLintTools() !== 0) console.error('could not install tools/lint; the layer test will fail');

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const vitestStatus = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestJson}`,
  ...extra,
]);
const e2eConfig = 'test/e2e/playwright.config.ts';
const playwrightStatus =
  existsSync(e2eConfig) && extra.length === 0 ? run('npx', ['playwright', 'test', '-c', e2eConfig]) : 0;

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + v.numTodoTests;
  // A test file that fails to load has no tests to count: count the file as a failure.
  for (const file of v.testResults ?? [])
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
} else {
  failed++;
}
if (existsSync(playwrightJson)) {
  const s = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
} else if (playwrightStatus !== 0) {
  failed++;
}
if (failed === 0 && (vitestStatus !== 0 || playwrightStatus !== 0)) failed++; // a runner failed outside any test
const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
writeFileSync(`${results}/summary.txt`, line + '\n');
console.log(line);
process.exit(failed > 0 ? 1 : 0);
