#!/usr/bin/env node
// The layer check: walks the import graph of the sources (type-only imports included, since a
// type cycle couples modules as much as a value one) and reports
//   - an import that runs up a layer (LAYERS below; the rules are CONTRIBUTING.md's Layers section,
//     the folders README.md's Layout section),
//   - an import of a file in no layer (tests, tools, build scripts and output, root files),
//   - a package a layer may not use: electron/react under hub/, electron in the renderer, a Node
//     built-in in what the browser loads (renderer, hub/protocol, hub/client), the package's own
//     name (`insight-hub/...`) anywhere in it,
//   - an import it cannot follow (a computed `import()`, an absolute path, a file that is not there),
//   - a run-time import along an edge allowed for types only (TYPE_ONLY_EDGES: http → core),
//   - every import cycle between files.
// An import is any form that makes one file depend on another (tools/layers-imports.mjs lists them:
// static, type-only, re-exports, `require`, `import()`, import types, `/// <reference path>`, module
// augmentations) and, in what Vite bundles, `new URL('…', import.meta.url)` and `import.meta.glob`
// (tools/layers-vite.mjs). Declaration files (.d.ts) are sources like the rest.
// `node tools/layers.mjs` prints the findings and exits 1 if there are any; `--counts` prints the
// numbers only. test/unit/layers.test.ts runs the same check inside the suite.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseImports } from './layers-imports.mjs';
import { viteImports } from './layers-vite.mjs';
import { runtimeSpecifiers } from './layers-runtime.mjs';

export { parseImports };

export const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * What each folder may import besides itself (CONTRIBUTING.md's Layers section; every folder may
 * import hub/protocol, the base of all), with three edges beyond the plain stack, each kept on
 * purpose and type-only or leaf-level:
 *   - auth → core: bans and revocations persist through core's RecordStore seam (a type), so they
 *     work on every engine; giving auth its own copy of that interface would be the same contract twice.
 *   - http → core: the extension contract (http/extension.ts) and REST auth hand extensions the
 *     core's ExtensionHost and a session identity (types only, checked: TYPE_ONLY_EDGES); http is
 *     where server, admin and metrics meet.
 *   - admin → metrics: the admin stats read the process probes (event-loop lag, CPU/memory) that
 *     metrics owns, so both report one measurement; both are extensions at the same level.
 * Extensions (admin, metrics) are composed at the top (hub/extensions.ts, used by hub/index.ts and
 * hub/cli.ts), so the server never imports them and they never import the server.
 */
const HUB_FOLDERS = [
  'hub/protocol',
  'hub/client',
  'hub/core',
  'hub/engines',
  'hub/auth',
  'hub/http',
  'hub/admin',
  'hub/metrics',
  'hub/server',
];

export const LAYERS = {
  'hub/protocol': [],
  'hub/client': ['hub/protocol'],
  'hub/core': ['hub/protocol'],
  'hub/engines': ['hub/core', 'hub/protocol'],
  'hub/auth': ['hub/protocol', 'hub/core'],
  'hub/http': ['hub/protocol', 'hub/auth', 'hub/core'],
  'hub/admin': ['hub/core', 'hub/auth', 'hub/http', 'hub/protocol', 'hub/metrics'],
  'hub/metrics': ['hub/core', 'hub/auth', 'hub/http', 'hub/protocol'],
  'hub/server': ['hub/protocol', 'hub/core', 'hub/engines', 'hub/auth', 'hub/http'],
  // The top (hub/index.ts, hub/cli.ts, hub/extensions.ts) composes every hub folder; Electron uses all of it.
  'hub/top': HUB_FOLDERS,
  electron: [...HUB_FOLDERS, 'hub/top'],
  renderer: ['hub/protocol', 'hub/client'],
};

/**
 * Edges allowed for types only: the extension seam names core's interfaces (ExtensionHost, the
 * session identity) but must not load core's code, so http stays something both server and
 * extensions sit on. Type-only is `import type`, `export type`, `import { type A }` with every
 * name marked, and `typeof import()`; anything else (a side-effect import, one value) runs.
 */
export const TYPE_ONLY_EDGES = {
  'hub/http': ['hub/core'],
};

/**
 * The layer a repository-relative path belongs to, or undefined: tests, tools, build scripts, build
 * output, root files. Those may import anything, and no layer may import them (CONTRIBUTING.md).
 */
export function layerOf(path) {
  const parts = path.split('/');
  const [top, second] = parts;
  if (top === 'hub') return parts.length === 2 ? 'hub/top' : `hub/${second}`;
  if (top === 'electron' || top === 'renderer') return top;
  return undefined;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** The package's own name: importing it from inside the repository would bypass the layers. */
const SELF = 'insight-hub';
/** Bare packages a layer must not import: the hub runs in plain Node, the renderer in a browser (README.md's Layout). */
const FORBIDDEN_PACKAGES = {
  hub: ['electron', 'react', 'react-dom'],
  renderer: ['electron'],
};
/** What the browser loads, and Vite bundles: the renderer and the two hub folders it imports (the SDK is published for browsers too). */
const BROWSER_LAYERS = new Set(['renderer', 'hub/protocol', 'hub/client']);
/** Vite's root (build/vite.renderer.config.ts), where a `/` glob starts. */
const VITE_ROOT = 'renderer';
const isBuiltin = (spec) => BUILTINS.has(spec) || spec.startsWith('node:');
/**
 * Packages that run only under Node. The browser layers may load one only at run time through a
 * constant (`const name = 'ws'; import(name)`), which a bundler leaves alone; a plain import of
 * one would break the browser build.
 */
const NODE_ONLY_PACKAGES = ['ws', 'better-sqlite3', 'redis', 'pino', 'prom-client', 'commander'];

/** Where a repository-relative path that is in no layer lies, for the finding. */
function unlayered(target) {
  if (target.startsWith('../')) return 'a file outside the repository';
  return target.includes('/') ? `the folder ${target.split('/')[0]}/` : `the root file ${target}`;
}

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/**
 * `./x.js` written in TS source names `./x.ts`, `./x.tsx` or the declarations `./x.d.ts` on disk;
 * `./x.mjs` names `./x.mts` or `./x.d.mts`; a folder its index.
 */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    ...(/\.js$/.test(base) ? [`${stem}.ts`, `${stem}.tsx`, `${stem}.d.ts`] : []),
    ...(/\.mjs$/.test(base) ? [`${stem}.mts`, `${stem}.d.mts`] : []),
    ...(/\.cjs$/.test(base) ? [`${stem}.cts`, `${stem}.d.cts`] : []),
    ...['.ts', '.tsx', '.d.ts', '.mts', '.js', '.mjs'].map((ext) => `${base}${ext}`),
    ...['index.ts', 'index.tsx', 'index.d.ts', 'index.js', 'index.mjs'].map((index) => join(base, index)),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * The graph: repository-relative file → the repository-relative files it imports, the bare
 * specifiers, and what could not be checked (computed imports, unresolvable or absolute paths).
 * `base` is the repository (the parsing tests pass a scratch tree).
 */
export function importGraph(roots = ['hub', 'electron', 'renderer'], base = repo) {
  const graph = new Map();
  for (const root of roots) {
    for (const file of sources(join(base, root))) {
      const text = readFileSync(file, 'utf8');
      const { specs, computed, runtimeOnly, vite } = parseImports(file, text);
      const bundled = BROWSER_LAYERS.has(layerOf(relative(base, file)))
        ? viteImports(file, vite, join(base, VITE_ROOT))
        : { specs: [], files: [], unchecked: [] };
      // Only the few files with a type-only edge are read a second time.
      const runtime = TYPE_ONLY_EDGES[layerOf(relative(base, file))]
        ? new Set(runtimeSpecifiers(file, text, specs))
        : undefined;
      const local = new Set(bundled.files.map((f) => relative(base, f)));
      const runtimeLocal = new Set();
      const bare = new Set();
      const unchecked = [...computed.map((c) => `a computed import at line ${c}`), ...bundled.unchecked];
      for (const spec of [...specs, ...bundled.specs]) {
        if (isAbsolute(spec) || /^[a-z]+:\/\//i.test(spec) || spec.startsWith('file:')) {
          unchecked.push(`an absolute path ${spec}`);
        } else if (spec.startsWith('.')) {
          const target = resolveSpecifier(file, spec);
          if (!target) unchecked.push(`${spec}, which resolves to no file`);
          else {
            local.add(relative(base, target));
            if (runtime?.has(spec)) runtimeLocal.add(relative(base, target));
          }
        } else bare.add(spec);
      }
      const entry = { local: [...local], bare: [...bare], unchecked, runtimeOnly };
      graph.set(relative(base, file), runtime ? { ...entry, runtimeLocal: [...runtimeLocal] } : entry);
    }
  }
  return graph;
}

const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Imports that run up a layer or leave the layers, run-time imports along a type-only edge,
 * forbidden packages (Node built-ins, electron, react, the package itself), and unchecked imports.
 */
export function layerViolations(graph) {
  const found = [];
  for (const [file, { local, bare, unchecked = [], runtimeOnly = [], runtimeLocal = [] }] of graph) {
    const from = layerOf(file);
    if (!from) continue;
    for (const target of local) {
      const to = layerOf(target);
      if (!to) found.push(`${file} imports ${target} (${unlayered(target)} is in no layer)`);
      else if (to !== from && !LAYERS[from]?.includes(to))
        found.push(`${file} imports ${target} (${from} may not import ${to})`);
      else if (TYPE_ONLY_EDGES[from]?.includes(to) && runtimeLocal.includes(target))
        found.push(
          `${file} imports ${target} at run time (${from} may import ${to} for types only: use \`import type\`)`,
        );
    }
    const forbidden = FORBIDDEN_PACKAGES[from.split('/')[0]] ?? [];
    for (const spec of bare) {
      if (packageOf(spec) === SELF) found.push(`${file} imports its own package ${spec} (use a relative import)`);
      else if (forbidden.includes(packageOf(spec))) found.push(`${file} imports ${spec} (${from} may not import it)`);
      else if (BROWSER_LAYERS.has(from) && isBuiltin(spec)) found.push(`${file} imports the Node built-in ${spec}`);
      else if (BROWSER_LAYERS.has(from) && NODE_ONLY_PACKAGES.includes(packageOf(spec)) && !runtimeOnly.includes(spec))
        found.push(`${file} imports ${spec}, which runs only under Node (load it at run time through a constant)`);
    }
    for (const u of unchecked) found.push(`${file} has ${u}, which the layer check cannot follow`);
  }
  return found;
}

/** Every import cycle, one per strongly connected component of more than one file (Tarjan). */
export function importCycles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const cycles = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return cycles;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const violations = layerViolations(graph);
  const cycles = importCycles(graph);
  if (process.argv.includes('--counts')) {
    console.log(`files ${graph.size}, layer violations ${violations.length}, import cycles ${cycles.length}`);
  } else {
    for (const v of violations) console.log(`layer: ${v}`);
    for (const c of cycles) console.log(`cycle: ${c.join(' ↔ ')}`);
    console.log(
      violations.length + cycles.length === 0
        ? `layers: ${graph.size} files, no violation, no cycle`
        : `layers: ${violations.length} violations, ${cycles.length} cycles`,
    );
  }
  process.exit(violations.length + cycles.length === 0 ? 0 : 1);
}
