#!/usr/bin/env node
// The layer check: walks the import graph of the TypeScript sources (type-only imports included,
// since a type cycle couples modules as much as a value one) and reports
//   - an import that runs up a layer (the table in the architecture notes, LAYERS below),
//   - a Node built-in imported by the renderer,
//   - every import cycle between files.
// `node tools/layers.mjs` prints the findings and exits 1 if there are any; `--counts` prints the
// numbers only. test/unit/layers.test.ts runs the same check inside the suite.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * What each folder may import besides itself: the table of the architecture notes, with three
 * edges it leaves implicit: auth and http see core's types (the RecordStore seam bans and
 * revocations persist through; the session identity REST auth returns), and the admin stats read
 * the process probes of metrics. Extensions (admin, metrics) are composed at the top
 * (hub/extensions.ts, used by hub/index.ts and hub/cli.ts), so the server never imports them and
 * they never import the server.
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
  'hub/server': ['hub/protocol', 'hub/client', 'hub/core', 'hub/engines', 'hub/auth', 'hub/http'],
  // The top (hub/index.ts, hub/cli.ts, hub/extensions.ts) composes every hub folder; Electron uses all of it.
  'hub/top': HUB_FOLDERS,
  electron: [...HUB_FOLDERS, 'hub/top'],
  renderer: ['hub/protocol', 'hub/client'],
};

/** The layer a repository-relative path belongs to, or undefined (tests, build scripts: anything goes). */
export function layerOf(path) {
  const parts = path.split('/');
  const [top, second] = parts;
  if (top === 'hub') return parts.length === 2 ? 'hub/top' : `hub/${second}`;
  if (top === 'electron' || top === 'renderer') return top;
  return undefined;
}

const SOURCE = /\.(ts|tsx)$/;
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s+['"]([^'"]+)['"]/g;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Comments out of the way, so an example in a doc comment is not taken for an import. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** `./x.js` written in TS source names `./x.ts` or `./x.tsx` on disk. */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The graph: repository-relative file → the repository-relative files it imports, plus bare specifiers. */
export function importGraph(roots = ['hub', 'electron', 'renderer']) {
  const graph = new Map();
  for (const root of roots) {
    for (const file of sources(join(repo, root))) {
      const text = stripComments(readFileSync(file, 'utf8'));
      const local = new Set();
      const bare = new Set();
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (spec.startsWith('.')) {
          const target = resolveSpecifier(file, spec);
          if (target) local.add(relative(repo, target));
        } else bare.add(spec);
      }
      graph.set(relative(repo, file), { local: [...local], bare: [...bare] });
    }
  }
  return graph;
}

/** Imports that run up a layer, and Node built-ins in the renderer. */
export function layerViolations(graph) {
  const found = [];
  for (const [file, { local, bare }] of graph) {
    const from = layerOf(file);
    if (!from) continue;
    for (const target of local) {
      const to = layerOf(target);
      if (!to || to === from) continue;
      if (!LAYERS[from]?.includes(to)) found.push(`${file} imports ${target} (${from} may not import ${to})`);
    }
    if (from === 'renderer') {
      for (const spec of bare)
        if (BUILTINS.has(spec) || spec.startsWith('node:')) found.push(`${file} imports the Node built-in ${spec}`);
    }
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
