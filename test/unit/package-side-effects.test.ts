/**
 * A module imported only for what it does when loaded (`import './x.js'`) must be listed in the
 * package's `sideEffects`, or bundlers (esbuild in our own build, and users' bundlers) drop it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { sideEffects: string[] };

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
    .map((d) => relative(repo, join(d.parentPath, d.name)));
}

describe("the package's sideEffects", () => {
  it('lists every module imported for its side effects, as source and as compiled file', () => {
    const bare: string[] = [];
    for (const file of [...sources('hub'), ...sources('electron')]) {
      for (const m of readFileSync(join(repo, file), 'utf8').matchAll(/^import '(\.[^']+)\.js';$/gm)) {
        bare.push(join(dirname(file), m[1]!));
      }
    }
    expect(bare).toContain('hub/server/stream-shapes');
    const listed = new Set(manifest.sideEffects.map((p) => p.replace(/^\.\//, '')));
    const missing = bare.flatMap((path) => [
      ...(listed.has(`${path}.ts`) ? [] : [`${path}.ts`]),
      ...(path.startsWith('hub/') && !listed.has(`dist/${path.slice(4)}.js`) ? [`dist/${path.slice(4)}.js`] : []),
    ]);
    expect(missing).toEqual([]);
  });
});
