/** A small dependency-free SVG line chart: p99 latency (log scale) against delivered rate. */

export interface Series {
  name: string;
  color: string;
  /** [x, y] with y > 0; a third element `true` draws the point hollow (e.g. a missed step). */
  points: Array<[number, number] | [number, number, boolean]>;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A dashed horizontal reference line (e.g. the 100 ms criterion). */
  reference?: { y: number; label: string };
  /** A line of text under the legend. */
  legendNote?: string;
}

const W = 760;
const H = 460;
const M = { left: 70, right: 150, top: 56, bottom: 56 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

function compact(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

export function lineChartSvg(spec: ChartSpec): string {
  const all = spec.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0])) * 1.05;
  const ys = all.map((p) => p[1]).filter((y) => y > 0);
  if (spec.reference) ys.push(spec.reference.y);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + (x / xMax) * pw;
  const sy = (y: number) =>
    M.top + ph - ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(spec.title)}</text>`);
  if (spec.subtitle) parts.push(`<text x="${M.left}" y="42" fill="#555">${esc(spec.subtitle)}</text>`);
  const step = niceStep(xMax, 6);
  for (let x = 0; x <= xMax; x += step) {
    parts.push(`<line x1="${sx(x)}" y1="${M.top}" x2="${sx(x)}" y2="${M.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(x)}" y="${M.top + ph + 18}" text-anchor="middle">${compact(x)}</text>`);
  }
  for (let y = yMin; y <= yMax * 1.001; y *= 10) {
    parts.push(`<line x1="${M.left}" y1="${sy(y)}" x2="${M.left + pw}" y2="${sy(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 8}" y="${sy(y) + 4}" text-anchor="end">${compact(y)}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  if (spec.reference) {
    const y = sy(spec.reference.y);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#c00" stroke-dasharray="6 4"/>`);
    parts.push(
      `<text x="${M.left + pw - 4}" y="${y - 5}" text-anchor="end" fill="#c00">${esc(spec.reference.label)}</text>`,
    );
  }
  if (spec.legendNote) {
    parts.push(
      `<text x="${W - M.right + 16}" y="${M.top + 10 + spec.series.length * 20 + 6}" fill="#555">${esc(spec.legendNote)}</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      );
    }
    for (const [x, y, hollow] of pts) {
      const fill = hollow ? `fill="#fff" stroke="${s.color}" stroke-width="1.5"` : `fill="${s.color}"`;
      parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" ${fill}/>`);
    }
    const ly = M.top + 10 + i * 20;
    parts.push(
      `<line x1="${W - M.right + 16}" y1="${ly}" x2="${W - M.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`,
    );
    parts.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
