/**
 * A stream written after the hub's module has loaded keeps Node's write-callback field inside its
 * writable state, not in a separate property array (what V8 does when the shape's first objects
 * never wrote). Checked in a fresh process, where the hub's module is the first thing to make
 * streams, with V8's own description of the object.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The module as plain JavaScript: a TypeScript loader in the child would make streams of its own. */
const MODULE = join(mkdtempSync(join(tmpdir(), 'stream-shapes-')), 'stream-shapes.mjs');
writeFileSync(
  MODULE,
  transformSync(readFileSync(new URL('../../hub/server/stream-shapes.ts', import.meta.url), 'utf8'), {
    loader: 'ts',
    format: 'esm',
  }).code,
);

/** V8's description of a written stream's state, after making `idle` streams that never write. */
function writtenStateIn(freshProcess: { loadShapes: boolean }): string {
  const script = `
    const { Writable } = await import('node:stream');
    ${freshProcess.loadShapes ? `await import(${JSON.stringify(MODULE)});` : ''}
    const make = () => new Writable({ write: (_c, _e, done) => done() });
    const idle = Array.from({ length: 10 }, make);
    const written = make();
    written.write('x');
    %DebugPrint(written._writableState);
  `;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const outOfLine = (description: string) => /properties: 0x[0-9a-f]+ <PropertyArray/.test(description);

describe('writable-state shape', () => {
  it('keeps a written stream state in-object once the module has loaded', () => {
    // Without it, streams made before any wrote leave later ones an out-of-line array.
    expect(outOfLine(writtenStateIn({ loadShapes: false }))).toBe(true);
    expect(outOfLine(writtenStateIn({ loadShapes: true }))).toBe(false);
  });
});
