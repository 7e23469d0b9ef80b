// @vitest-environment node
/**
 * The folder layers hold and there is no import cycle: no import runs up a layer (the table in
 * tools/layers.mjs, after the architecture notes), the renderer imports no Node built-in, and no
 * two files import each other, directly or round a loop (type-only imports count).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without types, shared with `npm run layers`
import { importCycles, importGraph, layerOf, layerViolations } from '../../tools/layers.mjs';

type Graph = Map<string, { local: string[]; bare: string[] }>;
const graph = (importGraph as () => Graph)();
const violations = layerViolations as (g: Graph) => string[];
const cycles = importCycles as (g: Graph) => string[][];

describe('layers', () => {
  it('walks the sources', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('hub/core/hub-core.ts')?.local).toContain('hub/core/dispatch.ts');
  });

  it('has no import that runs up a layer and no Node built-in in the renderer', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('catches an upward import, a built-in in the renderer and a cycle when there is one', () => {
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
    expect((layerOf as (p: string) => string | undefined)('hub/extensions.ts')).toBe('hub/top');
  });
});
