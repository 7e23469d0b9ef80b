/**
 * One uPlot chart fed from the stats series. The chart is built once per mount and handed new
 * columns as they come; uPlot draws on a canvas, so a chart costs nothing to React's tree.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { SeriesKey, StatsSeries } from './stats-series.js';

export interface ChartLine {
  key: SeriesKey;
  label: string;
  color: string;
  /** Multiplies every value (bytes → KiB, for instance). */
  scale?: number;
}

interface Props {
  title: string;
  series: StatsSeries;
  lines: ChartLine[];
  unit: string;
  height?: number;
}

function columns(series: StatsSeries, lines: ChartLine[]): uPlot.AlignedData {
  return [
    series.times,
    ...lines.map((l) =>
      l.scale ? series.values[l.key].map((v) => (v === null ? null : v * l.scale!)) : series.values[l.key],
    ),
  ] as uPlot.AlignedData;
}

export function LiveChart({ title, series, lines, unit, height = 160 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)] },
      },
      axes: [
        { stroke: '#64748b', grid: { stroke: '#e2e8f0' } },
        {
          stroke: '#64748b',
          grid: { stroke: '#e2e8f0' },
          size: 60,
          values: (_u, ticks) => ticks.map((t) => `${formatTick(t)}${unit ? ` ${unit}` : ''}`),
        },
      ],
      series: [
        {},
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          fill: `${l.color}14`,
          points: { show: false },
        })),
      ],
    };
    plot.current = new uPlot(opts, columns(series, lines), el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its shape changes; data flows in through the effect below.
  }, [lines.map((l) => l.key).join(','), unit, height]);

  useEffect(() => {
    plot.current?.setData(columns(series, lines));
  }, [series.version, series, lines]);

  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} className="chart-canvas" />
    </figure>
  );
}

function formatTick(v: number): string {
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
