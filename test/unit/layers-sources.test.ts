// @vitest-environment node
/**
 * The layer check reads every form that makes a file depend on another, from the syntax tree (a
 * stray backtick hides nothing after it), and refuses what runs up a layer, leaves the layers,
 * loads a Node built-in or Node-only package in the browser, loads hub/core from hub/http at run
 * time (TYPE_ONLY_EDGES), or cannot be followed. Each case is a scratch tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without types, shared with `npm run layers`
import { importCycles, importGraph, layerViolations } from '../../tools/layers.mjs';

type Graph = Map<string, { local: string[]; bare: string[]; unchecked?: string[] }>;
const walk = importGraph as (roots?: string[], base?: string) => Graph;
const violations = layerViolations as (g: Graph) => string[];
const cycles = importCycles as (g: Graph) => string[][];

describe('reading sources', () => {
  const base = mkdtempSync(join(tmpdir(), 'layers-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  /** Writes a scratch tree (path → source) and returns the findings for it. */
  const check = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(base, path)), { recursive: true });
      writeFileSync(join(base, path), text);
    }
    return violations(walk(['hub', 'renderer', 'electron'], base)).filter((v) =>
      Object.keys(files).some((f) => v.startsWith(`${f} `)),
    );
  };
  check({ 'hub/server/up.ts': 'export const up = 1;\n', 'hub/server/index.ts': 'export const i = 1;\n' });
  const up = "import { up } from '../server/up.js';";

  it.each([
    ['an unspaced import', "import{up}from'../server/up.js';"],
    ['an import = require', "import up = require('../server/up.js');"],
    ['a require call', "const up = require('../server/up.js');"],
    ['a type-only import', "import type { up } from '../server/up.js';"],
    ['a typeof import() type', "type Up = typeof import('../server/up.js');"],
    ['a re-export', "export * from '../server/up.js';"],
    ['a named type-only re-export', "export type { up } from '../server/up.js';"],
    ['a side-effect import', "import '../server/up.js';"],
    ['a module augmentation', "export {};\ndeclare module '../server/up.js' { interface Up { x: 1 } }"],
    ['a reference path', '/// <reference path="../server/up.ts" />'],
    ['an import after a backtick in a regular expression', `const tick = /\`/;\n${up}`],
    ['an import after a backtick in JSX text', `export const I = () => <i>\`</i>;\n${up}`, undefined, 'tsx'],
    ['an import in a declaration file', up, undefined, 'd.ts'],
    ['a JSDoc @import in JavaScript', "/** @import { up } from '../server/up.js' */\nexport {};", undefined, 'js'],
    ['a literal dynamic import', "const up = await import('../server/up.js');"],
    ['a template without substitutions', 'const up = await import(`../server/up.js`);'],
    ['a constant specifier', "const at = '../server/up.js';\nconst up = await import(at);"],
    ['an .mjs specifier of a .mts file', "import { up } from '../server/up.mjs';", 'hub/server/up.mts'],
    ['an extensionless specifier', "import { up } from '../server/up';"],
    ['an import after a string holding /*', "const glob = 'rooms/*';\nimport { up } from '../server/up.js';\n// */"],
  ])('catches %s', (_, source, target = 'hub/server/up.ts', ext = 'ts') => {
    const file = `hub/core/form-${_.replace(/\W+/g, '-')}.${ext}`;
    if (target !== 'hub/server/up.ts') check({ [target]: 'export const up = 1;\n' });
    expect(check({ [file]: `${source}\n` })).toEqual([
      `${file} imports ${target} (hub/core may not import hub/server)`,
    ]);
  });

  it('sees a cycle hidden behind a backtick, and follows a reference path or a .js specifier to a .d.ts', () => {
    const files = {
      'hub/core/tick-a.ts': "const tick = /`/;\nimport { b } from './tick-b.js';\nexport const a = b;\n",
      'hub/core/tick-b.tsx': "export const B = () => <i>`</i>;\nimport type { a } from './tick-a.js';\n",
      'hub/core/ambient.d.ts': 'export type Ambient = 1;\n',
      'hub/core/declared.ts': '/// <reference path="ambient.d.ts" />\nimport type { Ambient } from \'./ambient.js\';\n',
    };
    expect(check(files)).toEqual([]);
    const graph = walk(['hub'], base);
    expect(cycles(graph)).toContainEqual(['hub/core/tick-a.ts', 'hub/core/tick-b.tsx']);
    expect(graph.get('hub/core/declared.ts')?.local).toEqual(['hub/core/ambient.d.ts']);
  });

  it("reads Vite's new URL(…, import.meta.url) and import.meta.glob where Vite bundles, not under Node", () => {
    check({ 'renderer/pages/a.tsx': 'export const a = 1;\n', 'renderer/pages/b.tsx': 'export const b = 1;\n' });
    const glob = "import.meta.glob(['./pages/*.tsx', '!./pages/b.tsx', '../hub/server/{up,index}.ts']);";
    expect(
      check({
        'renderer/asset.ts': "export const u = new URL('../hub/server/up.ts', import.meta.url);\n",
        'renderer/glob.ts': `export const pages = ${glob}\n`,
        'renderer/root.ts': "export const pages = import.meta.glob('/pages/*.tsx');\n",
        'renderer/computed.ts': 'export const v = (n: string) => new URL(`./${n}.svg`, import.meta.url);\n',
        'hub/client/glob.ts': 'export const g = (p: string) => import.meta.glob(p);\n',
        // Under Node the hub reads files beside itself this way; that is no import.
        'hub/server/beside.ts': "export const u = new URL('../../package.json', import.meta.url);\n",
      }),
    ).toEqual([
      'hub/client/glob.ts has a computed Vite import at line 1: import.meta.glob(p), which the layer check cannot follow',
      'renderer/asset.ts imports hub/server/up.ts (renderer may not import hub/server)',
      'renderer/computed.ts has a computed Vite import at line 1: new URL(`./${n}.svg`, import.meta.url), which the layer check cannot follow',
      'renderer/glob.ts imports hub/server/index.ts (renderer may not import hub/server)',
      'renderer/glob.ts imports hub/server/up.ts (renderer may not import hub/server)',
    ]);
    const graph = walk(['renderer'], base);
    expect(graph.get('renderer/glob.ts')?.local).toContain('renderer/pages/a.tsx');
    expect(graph.get('renderer/glob.ts')?.local).not.toContain('renderer/pages/b.tsx');
    expect(graph.get('renderer/root.ts')?.local.sort()).toEqual(['renderer/pages/a.tsx', 'renderer/pages/b.tsx']);
  });

  it('resolves a folder to its index', () => {
    const file = 'hub/core/folder.ts';
    expect(check({ [file]: "import { i } from '../server';\n" })).toEqual([
      `${file} imports hub/server/index.ts (hub/core may not import hub/server)`,
    ]);
  });

  it('does not take an import in a comment or a string for one', () => {
    const source = "/* import { up } from '../server/up.js'; */\nconst s = \"import('../server/up.js')\";\n";
    expect(check({ 'hub/core/quiet.ts': source })).toEqual([]);
  });

  it('refuses what it cannot follow: a computed import, an absolute path, a missing file', () => {
    const file = 'hub/core/unchecked.ts';
    const found = check({
      [file]: [
        'const name = pick();',
        'await import(`../server/${name}.js`);',
        'await import(name);',
        `import { up } from '${join(base, 'hub/server/up.js')}';`,
        "import { gone } from './gone.js';",
      ].join('\n'),
    });
    expect(found).toEqual([
      `${file} has a computed import at line 2: import(\`../server/\${name}.js\`), which the layer check cannot follow`,
      `${file} has a computed import at line 3: import(name), which the layer check cannot follow`,
      `${file} has an absolute path ${join(base, 'hub/server/up.js')}, which the layer check cannot follow`,
      `${file} has ./gone.js, which resolves to no file, which the layer check cannot follow`,
    ]);
  });

  it('refuses a file in no layer: tests, tools, build scripts and output, root files', () => {
    check({
      'test/support/fixture.ts': 'export const f = 1;\n',
      'tools/tool.mjs': 'export const t = 1;\n',
      'build/script.mjs': 'export const b = 1;\n',
      'dist/index.js': 'export const d = 1;\n',
      'settings.ts': 'export const s = 1;\n',
    });
    expect(
      check({
        'hub/core/borrow.ts': "import { f } from '../../test/support/fixture.js';\nimport '../../dist/index.js';\n",
        'renderer/borrow.ts': "import { t } from '../tools/tool.mjs';\nimport { b } from '../build/script.mjs';\n",
        'electron/borrow.ts': "import { s } from '../settings.js';\n",
      }),
    ).toEqual([
      'hub/core/borrow.ts imports test/support/fixture.ts (the folder test/ is in no layer)',
      'hub/core/borrow.ts imports dist/index.js (the folder dist/ is in no layer)',
      'renderer/borrow.ts imports tools/tool.mjs (the folder tools/ is in no layer)',
      'renderer/borrow.ts imports build/script.mjs (the folder build/ is in no layer)',
      'electron/borrow.ts imports settings.ts (the root file settings.ts is in no layer)',
    ]);
  });

  it('refuses a Node built-in in what the browser loads: renderer, hub/protocol, hub/client', () => {
    expect(
      check({
        'hub/protocol/disk.ts': "import { readFileSync } from 'node:fs';\n",
        'hub/client/disk.ts': "import type { Stats } from 'fs';\nimport { join } from 'path';\n",
        // The SDK's own trick (`ws` only under Node) stays allowed; a built-in behind it does not.
        'hub/client/socket.ts': "const name = 'ws';\nawait import(name);\n",
        'hub/client/hidden.ts': "const name = 'node:fs/promises';\nawait import(name);\n",
        'hub/core/disk.ts': "import { readFileSync } from 'node:fs';\n",
      }),
    ).toEqual([
      'hub/client/disk.ts imports the Node built-in fs',
      'hub/client/disk.ts imports the Node built-in path',
      'hub/client/hidden.ts imports the Node built-in node:fs/promises',
      'hub/protocol/disk.ts imports the Node built-in node:fs',
    ]);
  });

  it('refuses a Node-only package imported plainly in what the browser loads, not one loaded at run time', () => {
    expect(
      check({
        'hub/client/plain.ts': "import { WebSocket } from 'ws';\n",
        'hub/client/lazy.ts': "const name = 'ws';\nexport const load = () => import(name);\n",
        'hub/client/both.ts': "import 'ws';\nconst name = 'ws';\nexport const load = () => import(name);\n",
        'hub/protocol/log.ts': "import pino from 'pino';\n",
        'hub/core/socket.ts': "import { WebSocket } from 'ws';\n",
      }),
    ).toEqual([
      'hub/client/both.ts imports ws, which runs only under Node (load it at run time through a constant)',
      'hub/client/plain.ts imports ws, which runs only under Node (load it at run time through a constant)',
      'hub/protocol/log.ts imports pino, which runs only under Node (load it at run time through a constant)',
    ]);
  });

  it('follows a constant specifier in its own scope only', () => {
    check({ 'hub/core/near.ts': 'export const n = 1;\n' });
    const twoScopes = [
      "export const up = () => { const at = '../server/up.js'; return import(at); };",
      "export const near = () => { const at = './near.js'; return import(at); };",
    ];
    const shadowed = [
      "const at = './near.js';",
      'export const load = (at: string) => import(at);',
      "export function inner() { const at = '../server/up.js'; { return import(at); } }",
      'export const outer = () => import(at);',
    ];
    expect(check({ 'hub/core/scopes.ts': twoScopes.join('\n'), 'hub/core/shadow.ts': shadowed.join('\n') })).toEqual([
      'hub/core/scopes.ts imports hub/server/up.ts (hub/core may not import hub/server)',
      'hub/core/shadow.ts imports hub/server/up.ts (hub/core may not import hub/server)',
      'hub/core/shadow.ts has a computed import at line 2: import(at), which the layer check cannot follow',
    ]);
  });

  it('lets hub/http import hub/core for types only, and refuses every form that loads it at run time', () => {
    check({ 'hub/core/seam.ts': 'export interface Seam { a: number }\nexport const seam = 1;\n' });
    const typeOnly = [
      "import type { Seam } from '../core/seam.js';",
      "import { type Seam as S } from '../core/seam.js';",
      "export type { Seam } from '../core/seam.js';",
      "export { type Seam as T } from '../core/seam.js';",
      "type M = typeof import('../core/seam.js');",
    ];
    const runtime: Record<string, string> = {
      named: "import { seam } from '../core/seam.js';",
      mixed: "import { type Seam, seam } from '../core/seam.js';",
      bare: "import '../core/seam.js';",
      empty: "import {} from '../core/seam.js';",
      namespace: "import * as core from '../core/seam.js';",
      reexport: "export { seam } from '../core/seam.js';",
      star: "export * from '../core/seam.js';",
      dynamic: "export const load = () => import('../core/seam.js');",
      constant:
        "import type { Seam } from '../core/seam.js';\nconst at = '../core/seam.js';\nexport const load = () => import(at);",
    };
    const files = Object.fromEntries(Object.entries(runtime).map(([name, text]) => [`hub/http/${name}.ts`, text]));
    expect(
      check({
        'hub/http/types.ts': typeOnly.join('\n'),
        // The server may load core: the rule is for the http → core edge only.
        'hub/server/uses-core.ts': "import { seam } from '../core/seam.js';",
        ...files,
      }),
    ).toEqual(
      Object.keys(files)
        .sort()
        .map(
          (f) =>
            `${f} imports hub/core/seam.ts at run time (hub/http may import hub/core for types only: use \`import type\`)`,
        ),
    );
  });

  it('refuses the package by its own name, electron and react in the hub, electron in the renderer', () => {
    expect(
      check({
        'hub/core/self.ts': "import { connect } from 'insight-hub/client';\nimport 'insight-hub';\n",
        'hub/server/ui.ts':
          "import { app } from 'electron';\nimport React from 'react';\nimport { createRoot } from 'react-dom/client';\n",
        'renderer/app/desk.ts': "import { ipcRenderer } from 'electron';\nimport { hub } from 'insight-hub';\n",
        'electron/ok.ts': "import { app } from 'electron';\n",
      }),
    ).toEqual([
      'hub/core/self.ts imports its own package insight-hub/client (use a relative import)',
      'hub/core/self.ts imports its own package insight-hub (use a relative import)',
      'hub/server/ui.ts imports electron (hub/server may not import it)',
      'hub/server/ui.ts imports react (hub/server may not import it)',
      'hub/server/ui.ts imports react-dom/client (hub/server may not import it)',
      'renderer/app/desk.ts imports electron (renderer may not import it)',
      'renderer/app/desk.ts imports its own package insight-hub (use a relative import)',
    ]);
  });
});
