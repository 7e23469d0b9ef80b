/** The results table: absolute figures per server and hub ÷ peer ratios, for the terminal and Markdown. */
import type { ServerKind } from '../load/dialect.js';
import { describeTarget, judge, ratio, type Metric, type RunResult } from './model.js';

const COLUMNS: ServerKind[] = ['hub', 'ws', 'socketio'];

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a === 0) return '0';
  return v.toFixed(2);
}

function formatRatio(r: number | null): string {
  return r === null ? '—' : `${r.toFixed(2)}×`;
}

function verdict(m: Metric): string {
  const v = judge(m);
  return v === null ? '' : v === 'missed' ? 'MISSED' : v;
}

function cells(m: Metric): string[] {
  return [
    m.label + (m.unit ? ` (${m.unit})` : ''),
    ...COLUMNS.map((k) => formatValue(m.values[k])),
    formatRatio(ratio(m, 'ws')),
    formatRatio(ratio(m, 'socketio')),
    describeTarget(m),
    verdict(m),
  ];
}

function backgroundNote(percent: number | null | undefined): string {
  return percent === null || percent === undefined
    ? ''
    : ` — other processes used ${Math.round(percent)}% of the machine meanwhile`;
}

const HEADER = ['metric', 'hub', 'ws', 'socket.io', 'hub÷ws', 'hub÷sio', 'target', ''];

export function terminalTable(run: RunResult): string {
  const rows: Array<string[] | string> = [];
  for (const s of run.scenarios) {
    rows.push(`${s.id}. ${s.title}${backgroundNote(s.backgroundPercent)}`);
    for (const m of s.metrics) {
      rows.push(cells(m));
      if (m.note) rows.push(`     note: ${m.note}`);
    }
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.filter(Array.isArray).map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(HEADER), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const r of rows) out.push(typeof r === 'string' ? r : line(r));
  return out.join('\n');
}

export function markdownTable(run: RunResult): string {
  const out = [`| ${HEADER.join(' | ')} |`, `| ${HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const s of run.scenarios) {
    out.push(`| **${s.id}. ${s.title}**${backgroundNote(s.backgroundPercent)} |${' |'.repeat(HEADER.length - 1)}`);
    for (const m of s.metrics) {
      const c = cells(m);
      if (m.note) c[0] += ` — ${m.note}`;
      out.push(`| ${c.join(' | ')} |`);
    }
  }
  return out.join('\n');
}
