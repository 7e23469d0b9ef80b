/** Writing a run's results: JSON, the SVG chart and a Markdown table, timestamped and as `latest`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FanoutDetail } from '../scenarios/fanout.js';
import { lineChartSvg, type Series } from './chart.js';
import type { RunResult } from './model.js';
import { markdownTable } from './table.js';

const COLORS: Record<string, string> = { hub: '#1f6fb4', ws: '#e07b00', socketio: '#2a9d3a' };

export function fanoutChart(run: RunResult): string | null {
  const fanout = run.scenarios.find((s) => s.id === 2);
  const first = (fanout?.detail as FanoutDetail[] | undefined)?.[0];
  if (!first) return null;
  const series: Series[] = first.results.map((r) => ({
    name: r.server,
    color: COLORS[r.server.split(' ')[0]] ?? '#777',
    points: r.steps
      .filter((s) => s.received > 0)
      .map((s) => [s.deliveredPerSec, s.latency.p99 / 1000, !s.passed] as [number, number, boolean]),
  }));
  return lineChartSvg({
    title: `p99 latency vs delivered rate — one room, ${first.subscribers} subscribers`,
    subtitle: `open-loop publish rate stepped up; ${run.machine.cores} cores, ${run.machine.cpuModel}, Node ${run.machine.node}, ${run.startedAt.slice(0, 10)}`,
    xLabel: 'deliveries per second',
    yLabel: 'p99 latency (ms, log scale)',
    series,
    reference: { y: 100, label: 'capacity limit: p99 100 ms' },
    legendNote: 'hollow: step missed',
  });
}

export function writeResults(run: RunResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = run.startedAt.replace(/[:.]/g, '-');
  const written: string[] = [];
  const put = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    written.push(path);
  };
  const json = JSON.stringify(run, null, 2);
  put(`bench-${run.profile}-${stamp}.json`, json);
  put('latest.json', json);
  const svg = fanoutChart(run);
  if (svg) {
    put(`fanout-p99-${run.profile}-${stamp}.svg`, svg);
    put('fanout-p99.svg', svg);
  }
  put('latest.md', markdownTable(run) + '\n');
  return written;
}
