/**
 * A strict reader of the Prometheus text exposition format (0.0.4): what a scraper would accept,
 * and nothing more. Used to check the hub's own `/metrics` and to read it in tools.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export class ExpositionError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

/** Parse and check a whole exposition; throws ExpositionError at the first violation. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const seriesSeen = new Set<string>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current: MetricFamily | undefined;
  if (text.length > 0 && !text.endsWith('\n')) throw new ExpositionError(0, 'the exposition must end with a newline');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    const fail = (message: string): never => {
      throw new ExpositionError(n, message);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // other comments are allowed
      const [, keyword, name, rest = ''] = m;
      if (!METRIC_NAME.test(name)) fail(`invalid metric name "${name}"`);
      if (closed.has(name)) fail(`metadata for ${name} after its samples ended`);
      let family = families.get(name);
      if (family && family.samples.length > 0) fail(`metadata for ${name} after its samples`);
      if (!family) {
        family = { name, type: 'untyped', samples: [] };
        families.set(name, family);
      }
      if (current && current !== family) closed.add(current.name);
      current = family;
      if (keyword === 'HELP') {
        if (family.help !== undefined) fail(`second HELP for ${name}`);
        family.help = rest;
      } else {
        if (!(TYPES as readonly string[]).includes(rest)) fail(`unknown type "${rest}"`);
        if (typed.has(name)) fail(`second TYPE for ${name}`);
        family.type = rest as MetricType;
        typed.add(name);
      }
      return;
    }
    const sample = parseSample(line, fail);
    const family = familyOf(sample.name, families) ?? fail(`sample ${sample.name} has no TYPE or HELP before it`);
    if (closed.has(family.name)) fail(`samples of ${family.name} are not contiguous`);
    if (current && current !== family) closed.add(current.name);
    current = family;
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seriesSeen.has(key)) fail(`duplicate series ${sample.name}`);
    seriesSeen.add(key);
    if (family.type === 'counter' && !(sample.value >= 0)) fail(`counter ${sample.name} is negative or NaN`);
    if (family.type === 'histogram' && sample.name.endsWith('_bucket') && sample.labels.le === undefined)
      fail('bucket without "le"');
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  for (const [name, family] of families) {
    for (const suffix of SUFFIXES[family.type]) if (sampleName === name + suffix) return family;
  }
  return undefined;
}

function parseSample(line: string, fail: (m: string) => never): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(line);
  if (!m) return fail(`not a sample line: ${JSON.stringify(line.slice(0, 80))}`);
  // The regex makes every group a string but the optional labels (`undefined` when absent).
  const [, name, labelText, valueText] = m;
  return { name, labels: labelText ? parseLabels(labelText, fail) : {}, value: parseValue(valueText, fail) };
}

function parseLabels(text: string, fail: (m: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 1;
  const end = text.length - 1;
  while (i < end) {
    const eq = text.indexOf('=', i);
    if (eq < 0) fail('label without "="');
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) fail(`invalid label name "${name}"`);
    if (name in labels) fail(`duplicate label "${name}"`);
    if (text[eq + 1] !== '"') fail(`label ${name} value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < end; j++) {
      const c = text[j];
      if (c === '"') break;
      if (c === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail(`invalid escape in label ${name}`);
      } else value += c;
    }
    if (text[j] !== '"') fail(`unterminated value of label ${name}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i !== end) fail('labels must be separated by ","');
  }
  return labels;
}

function parseValue(text: string, fail: (m: string) => never): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(`invalid value "${text}"`);
  return Number(text);
}

/** Buckets per series must be cumulative, end at +Inf, and agree with `_count`. */
function checkHistogram(family: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [] }));
    if (s.name.endsWith('_bucket'))
      g.buckets.push([
        parseValue(le, (m) => {
          throw new ExpositionError(0, m);
        }),
        s.value,
      ]);
    else if (s.name.endsWith('_count')) g.count = s.value;
    else g.sum = s.value;
  }
  for (const g of groups.values()) {
    const bad = (m: string): never => {
      throw new ExpositionError(0, `histogram ${family.name}: ${m}`);
    };
    if (g.count === undefined || g.sum === undefined) bad('missing _count or _sum');
    const last = g.buckets[g.buckets.length - 1];
    if (!last || last[0] !== Infinity) bad('no +Inf bucket');
    for (let i = 1; i < g.buckets.length; i++) {
      if (g.buckets[i][0] <= g.buckets[i - 1][0]) bad('bucket bounds not increasing');
      if (g.buckets[i][1] < g.buckets[i - 1][1]) bad('bucket counts not cumulative');
    }
    if (last[1] !== g.count) bad('+Inf bucket differs from _count');
  }
}
