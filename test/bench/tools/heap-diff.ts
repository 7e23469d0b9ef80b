/**
 * What one connection costs on the heap: `node --import tsx test/bench/tools/heap-diff.ts
 * <before.heapsnapshot> <after.heapsnapshot> <connections added>` prints the constructors whose
 * retained count and self size grew most, per added connection.
 */
import { readFileSync } from 'node:fs';

interface Totals {
  count: number;
  bytes: number;
}

function totals(path: string): Map<string, Totals> {
  const snap = JSON.parse(readFileSync(path, 'utf8'));
  const fields: string[] = snap.snapshot.meta.node_fields;
  const types: string[] = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, Totals>();
  const nodes: number[] = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const name = type === 'object' || type === 'closure' ? snap.strings[nodes[i + nameAt]] : `(${type})`;
    const key = type === 'closure' ? `${name}()` : name;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += nodes[i + sizeAt];
    out.set(key, t);
  }
  return out;
}

const [beforePath, afterPath, addedText] = process.argv.slice(2);
if (!beforePath || !afterPath || !addedText) {
  console.error('usage: heap-diff <before.heapsnapshot> <after.heapsnapshot> <connections added>');
  process.exit(2);
}
const added = Number(addedText);
const before = totals(beforePath);
const after = totals(afterPath);
const rows = [...after.entries()]
  .map(([name, t]) => {
    const b = before.get(name) ?? { count: 0, bytes: 0 };
    return { name, count: (t.count - b.count) / added, bytes: (t.bytes - b.bytes) / added };
  })
  .filter((r) => r.bytes > 8)
  .sort((a, b) => b.bytes - a.bytes);
let sum = 0;
for (const r of rows) sum += r.bytes;
console.log(`heap growth per connection: ${sum.toFixed(0)} bytes`);
for (const r of rows.slice(0, 40)) {
  console.log(`${r.bytes.toFixed(0).padStart(7)} B  ${r.count.toFixed(2).padStart(6)} objects  ${r.name.slice(0, 90)}`);
}
