// The two import forms Vite resolves when it bundles a file, for the layer check (tools/layers.mjs):
// `new URL('./x', import.meta.url)` (an asset or a worker, bundled from x) and
// `import.meta.glob('./x/*.ts')` (every file the patterns match). The check reads them in what Vite
// bundles only: the renderer and the hub folders it imports.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const GLOB_CHARS = /[*?[\]{}]/;

/** A glob pattern (the forms Vite's globs share with most: `**`, `*`, `?`, `[…]`, `{a,b}`) as a regular expression over absolute paths. */
function globToRegExp(pattern) {
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      out += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function filesUnder(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : filesUnder(path);
    return [path];
  });
}

/** Where a pattern lies as an absolute pattern: `./`, `../` from the file, `/` from Vite's root; an alias or a package is not read. */
function absolutePattern(file, pattern, viteRoot) {
  if (/^\.\.?\//.test(pattern)) return join(dirname(file), pattern);
  if (pattern.startsWith('/')) return join(viteRoot, pattern);
  return undefined;
}

/**
 * What a bundled file's Vite forms import: `specs` to resolve like any import (the URLs, relative to
 * the file as URLs are), `files` the globs match (absolute; a `!` pattern takes files out; never the
 * file itself, as in Vite), and `unchecked`: a computed URL or glob, an alias, an extended glob.
 */
export function viteImports(file, { urls, globs, computed }, viteRoot) {
  const specs = urls.map((url) => (/^(\.{0,2}\/|[a-z]+:)/i.test(url) ? url : `./${url}`));
  const unchecked = computed.map((c) => `a computed Vite import at line ${c}`);
  const take = [];
  const drop = [];
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const absolute = absolutePattern(file, negated ? glob.slice(1) : glob, viteRoot);
    if (!absolute || /[@!+*?]\(/.test(glob)) {
      unchecked.push(`the glob ${glob}, whose files it does not list`);
      continue;
    }
    // Only the folder before the first segment with a glob character needs walking.
    const segments = absolute.split('/');
    const fixed = segments.findIndex((s) => GLOB_CHARS.test(s));
    const under = fixed < 0 ? dirname(absolute) : segments.slice(0, fixed).join('/');
    (negated ? drop : take).push({ under, match: globToRegExp(absolute) });
  }
  const files = new Set();
  for (const { under, match } of take) {
    for (const f of filesUnder(under)) {
      if (f !== resolve(file) && match.test(f) && !drop.some((d) => d.match.test(f))) files.add(f);
    }
  }
  return { specs, files: [...files], unchecked };
}
