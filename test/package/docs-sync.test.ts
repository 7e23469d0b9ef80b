/**
 * The docs show the examples the package test runs byte for byte (a `<!-- example: path -->` marker
 * equals the block after it, every example is shown), and hub/client/README.md names every public
 * export and member of the SDK.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './packed.js';

const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const DOCS = ['README.md', 'hub/client/README.md'];
const sdkDoc = read('hub/client/README.md');

/** Every `<!-- example: path -->` marker and the fenced block right after it. */
function includedExamples(doc: string): Array<{ path: string; block: string | undefined }> {
  return [...doc.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({
    path: m[1]!,
    block: m[2],
  }));
}

function exampleFiles(dir = 'docs/examples'): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
}

/** Names exported by an `index.ts` made of `export { … } from` lines. */
function exportedNames(source: string): string[] {
  return [...source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) => name.replace(/^\s*type\s+/, '').trim())
      .filter(Boolean),
  );
}

/** Member names of `export interface Name { … }` (the top level of its body). */
function interfaceMembers(source: string, name: string): string[] {
  const start = source.indexOf(`export interface ${name} `);
  const body = source.slice(start, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}(?:readonly\s+)?(\w+)\??[(:]/gm)].map((m) => m[1]!);
}

describe('documented examples', () => {
  it.each(DOCS)('%s shows each marked example exactly as its file', (doc) => {
    for (const { path, block } of includedExamples(read(doc))) expect(block, `${doc}: ${path}`).toBe(read(path));
  });

  it('every example file is shown in the docs (but the page scaffold)', () => {
    const shown = new Set(DOCS.flatMap((doc) => includedExamples(read(doc)).map((e) => e.path)));
    expect(exampleFiles().filter((f) => !f.endsWith('.html') && !shown.has(f))).toEqual([]);
  });
});

describe('the SDK reference', () => {
  it('names every export of insight-hub/client', () => {
    const names = exportedNames(read('hub/client/index.ts'));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !sdkDoc.includes(`\`${n}`) && !new RegExp(`\\b${n}\\b`).test(sdkDoc))).toEqual([]);
  });

  it.each(['ConnectOptions', 'InsightClient', 'RoomHandle'])('documents every member of %s in its table', (name) => {
    const members = interfaceMembers(read('hub/client/types.ts'), name);
    expect(members.length).toBeGreaterThan(3);
    expect(members.filter((m) => !new RegExp(`^\\| \`${m}\\b`, 'm').test(sdkDoc))).toEqual([]);
  });

  it("documents every one of the SDK's own error codes", () => {
    const codes = [...read('hub/client/errors.ts').matchAll(/^ {2}\| '(\w+)'/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((c) => !sdkDoc.includes(`| \`${c}\` |`))).toEqual([]);
  });
});
