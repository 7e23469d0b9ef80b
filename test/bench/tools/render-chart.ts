/** Redraw the fan-out chart of a saved run: `node --import tsx test/bench/tools/render-chart.ts <run.json> <out.svg>`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fanoutChart } from '../report/files.js';
import type { RunResult } from '../report/model.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: render-chart <run.json> <out.svg>');
  process.exit(2);
}
const svg = fanoutChart(JSON.parse(readFileSync(input, 'utf8')) as RunResult);
if (!svg) {
  console.error('no fan-out scenario in this run');
  process.exit(1);
}
writeFileSync(output, svg);
