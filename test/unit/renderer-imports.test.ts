// @vitest-environment node
// The renderer runs in a browser (and a sandboxed window): no Node built-ins, and of the hub only
// the SDK and the protocol types.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const rendererDir = join(repo, 'renderer');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe('renderer imports', () => {
  const files = sources(rendererDir);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('uses no Node built-ins and nothing of the hub but the client SDK and the protocol', () => {
    const offences: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        const where = relative(repo, file);
        if (builtins.has(spec) || spec.startsWith('node:')) offences.push(`${where}: ${spec}`);
        if (spec.startsWith('.')) {
          const target = relative(repo, resolve(file, '..', spec));
          const inRenderer = target.startsWith('renderer/');
          const allowedHub = target.startsWith('hub/client/') || target.startsWith('hub/protocol/');
          if (!inRenderer && !allowedHub) offences.push(`${where}: ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('never sets raw HTML', () => {
    const offenders = files.filter((f) =>
      /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
