// @vitest-environment node
/**
 * The real tree keeps its layers: no import runs up a layer (LAYERS in tools/layers.mjs;
 * CONTRIBUTING.md's Layers section) or leaves the layers, what the browser loads imports no Node
 * built-in, and there is no import cycle. How the check reads each import form is
 * layers-sources.test.ts.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without types, shared with `npm run layers`
import { importCycles, importGraph, layerOf, layerViolations } from '../../tools/layers.mjs';

type Graph = Map<string, { local: string[]; bare: string[]; unchecked?: string[] }>;
const walk = importGraph as (roots?: string[], base?: string) => Graph;
const graph = walk();
const violations = layerViolations as (g: Graph) => string[];
const cycles = importCycles as (g: Graph) => string[][];

describe('layers', () => {
  it('walks the sources', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('hub/core/hub-core.ts')?.local).toContain('hub/core/dispatch.ts');
  });

  it('has no import that runs up a layer or leaves the layers, and no Node built-in in the browser', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('catches an upward import, a built-in in the renderer, a file outside the repository and a cycle', () => {
    const bad: Graph = new Map([
      ['hub/core/a.ts', { local: ['hub/server/b.ts'], bare: [] }],
      ['hub/server/b.ts', { local: ['hub/core/a.ts'], bare: [] }],
      ['renderer/c.ts', { local: ['hub/server/b.ts'], bare: ['node:fs'] }],
    ]);
    expect(violations(bad)).toEqual([
      'hub/core/a.ts imports hub/server/b.ts (hub/core may not import hub/server)',
      'renderer/c.ts imports hub/server/b.ts (renderer may not import hub/server)',
      'renderer/c.ts imports the Node built-in node:fs',
    ]);
    expect(cycles(bad)).toEqual([['hub/core/a.ts', 'hub/server/b.ts']]);
    expect(
      violations(
        new Map([
          ['hub/core/out.ts', { local: ['../elsewhere/x.ts'], bare: [] }],
          // The server talks to clients over the wire, never through the SDK.
          ['hub/server/sdk.ts', { local: ['hub/client/index.ts'], bare: [] }],
          // Tests and tools are in no layer: they may import anything.
          ['test/unit/x.test.ts', { local: ['hub/server/b.ts', 'tools/layers.mjs'], bare: ['node:fs'] }],
        ]),
      ),
    ).toEqual([
      'hub/core/out.ts imports ../elsewhere/x.ts (a file outside the repository is in no layer)',
      'hub/server/sdk.ts imports hub/client/index.ts (hub/server may not import hub/client)',
    ]);
    expect((layerOf as (p: string) => string | undefined)('hub/extensions.ts')).toBe('hub/top');
  });
});
