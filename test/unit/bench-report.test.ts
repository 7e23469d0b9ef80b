/**
 * Bench reports say the same thing everywhere: hub-to-peer ratios and target verdicts computed
 * once, printed as the terminal table, as Markdown and as the chart, and payload stamps read
 * without JSON parsing.
 */
import { describe, expect, it } from 'vitest';
import { describeTarget, judge, ratio, ratioRange, type Metric, type RunResult } from '../bench/report/model.js';
import { formatValue, markdownTable, terminalTable } from '../bench/report/table.js';
import { lineChartSvg } from '../bench/report/chart.js';
import { eventData, markerIn, padFor, readUint, seqOf, stampAt, TS_MARKER } from '../bench/load/payload.js';
import { socketioOffsetOf } from '../bench/load/dialect.js';

const capacity: Metric = {
  label: 'capacity @1k',
  unit: 'msg/s',
  better: 'higher',
  values: { hub: 120, ws: 30, socketio: 30 },
  targets: [
    { peer: 'ws', op: '>=', ratio: 3 },
    { peer: 'socketio', op: '>=', ratio: 5 },
  ],
};

const memory: Metric = {
  label: 'idle RSS per connection @10k',
  unit: 'KB',
  better: 'lower',
  values: { hub: 7.2, ws: 5.0, socketio: null },
  targets: [{ peer: 'ws', op: '<=', ratio: 1.5 }],
  limit: { op: '<=', value: 8 },
};

function run(metrics: Metric[]): RunResult {
  return {
    profile: 'quick',
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedMs: 1,
    command: 'npm run bench -- --quick',
    machine: { cpuModel: 'cpu', cores: 2, memoryGiB: 1, node: 'v20', platform: 'linux-x64', kernel: '', pinned: true },
    scenarios: [{ id: 2, title: 'Fan-out in one room', metrics, detail: null, elapsedMs: 1 }],
  };
}

describe('bench ratios and targets', () => {
  it('divides the hub by each peer', () => {
    expect(ratio(capacity, 'ws')).toBe(4);
    expect(ratio(capacity, 'socketio')).toBe(4);
    expect(ratio(memory, 'socketio')).toBeNull();
    expect(ratio({ ...memory, values: { hub: 1, ws: 0 } }, 'ws')).toBeNull();
  });

  it('judges every target, ratio and absolute', () => {
    expect(judge(capacity)).toBe('missed'); // 4× Socket.IO is short of 5×
    expect(judge({ ...capacity, values: { hub: 150, ws: 30, socketio: 30 } })).toBe('met');
    expect(judge(memory)).toBe('met'); // 1.44× ws and 7.2 KB
    expect(judge({ ...memory, values: { hub: 8.5, ws: 6 } })).toBe('missed');
    expect(judge({ ...capacity, values: { hub: null, ws: 30 } })).toBeNull();
    expect(judge({ label: 'x', unit: '', better: 'higher', values: { hub: 1 } })).toBeNull();
  });

  it('judges capacities on what their bounds prove', () => {
    // The hub passed 645 and never missed; ws passed 80 and missed 90 with its core saturated.
    const bounded: Metric = {
      ...capacity,
      values: { hub: 645, ws: 80, socketio: 80 },
      targets: [{ peer: 'ws', op: '>=', ratio: 7 }],
      upperBounds: { hub: null, ws: 90 },
    };
    expect(ratioRange(bounded, 'ws')).toEqual({ least: 645 / 90, most: Infinity });
    expect(judge(bounded)).toBe('met'); // at least 7.17×
    // 8× is not proven: ws may do up to 90, and 645 ÷ 90 < 8; nor disproven, as the hub never missed.
    expect(judge({ ...bounded, targets: [{ peer: 'ws', op: '>=', ratio: 8 }] })).toBe('unproven');
    // A peer that never missed on its own bounds nothing: even 645 ÷ 80 is not proven.
    expect(judge({ ...bounded, upperBounds: { hub: null, ws: null } })).toBe('unproven');
    // The hub missed at 500 on its own: 500 ÷ 80 < 7 is a proven miss.
    expect(judge({ ...bounded, values: { hub: 400, ws: 80 }, upperBounds: { hub: 500, ws: 90 } })).toBe('missed');
    // A lower bound meets a '>=' limit, and only an upper bound can miss it.
    const limited: Metric = { ...bounded, targets: undefined, limit: { op: '>=', value: 800 } };
    expect(judge(limited)).toBe('unproven');
    expect(judge({ ...limited, upperBounds: { hub: 700 } })).toBe('missed');
    expect(judge({ ...limited, values: { hub: 812 } })).toBe('met');
  });

  it('describes targets briefly', () => {
    expect(describeTarget(capacity)).toBe('÷ws >= 3, ÷sio >= 5');
    expect(describeTarget(memory)).toBe('÷ws <= 1.5, <= 8 KB');
  });
});

describe('bench tables', () => {
  it('formats numbers by size', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(1.234)).toBe('1.23');
    expect(formatValue(12.34)).toBe('12.3');
    expect(formatValue(123_456.7)).toBe('123,457');
  });

  it('prints absolute figures, ratios and verdicts in the terminal table', () => {
    const text = terminalTable(run([capacity, memory]));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^metric\s+hub\s+ws\s+socket\.io\s+hub÷ws\s+hub÷sio\s+target/);
    expect(lines[2]).toBe('2. Fan-out in one room');
    expect(lines[3]).toMatch(
      /capacity @1k \(msg\/s\)\s+120\s+30\.0\s+30\.0\s+4\.00×\s+4\.00×\s+÷ws >= 3, ÷sio >= 5\s+MISSED/,
    );
    expect(lines[4]).toMatch(/1\.44×\s+—\s+÷ws <= 1\.5, <= 8 KB\s+met$/);
  });

  it('writes the same rows as Markdown', () => {
    const md = markdownTable(run([capacity]));
    const rows = md.split('\n');
    expect(rows[0]).toBe('| metric | hub | ws | socket.io | hub÷ws | hub÷sio | target |  |');
    expect(rows[2]).toContain('**2. Fan-out in one room**');
    expect(rows[3]).toBe('| capacity @1k (msg/s) | 120 | 30.0 | 30.0 | 4.00× | 4.00× | ÷ws >= 3, ÷sio >= 5 | MISSED |');
  });
});

describe('bench chart', () => {
  it('draws one line per server and the reference line', () => {
    const svg = lineChartSvg({
      title: 'p99 <latency>',
      xLabel: 'deliveries per second',
      yLabel: 'p99 (ms)',
      series: [
        {
          name: 'hub',
          color: '#00f',
          points: [
            [1000, 2],
            [5000, 8],
            [9000, 150],
          ],
        },
        {
          name: 'ws',
          color: '#f80',
          points: [
            [1000, 5],
            [3000, 300],
          ],
        },
      ],
      reference: { y: 100, label: 'limit' },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('p99 &lt;latency&gt;');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(5);
    expect(svg).toContain('stroke-dasharray');
  });
});

describe('bench payload reads', () => {
  it('finds the stamp and seq without parsing JSON', () => {
    const data = eventData(1_234_567_890_123, padFor(64));
    const frame = Buffer.from(
      `{"type":"message","room":"r","epoch":"e1","seq":42,"event":"tick","data":${data},"time":1}`,
    );
    const at = frame.indexOf(TS_MARKER);
    expect(stampAt(frame, at)).toBe(1_234_567_890_123);
    expect(seqOf(frame)).toBe(42);
    expect(seqOf(Buffer.from('{"type":"ack"}'))).toBe(-1);
    expect(readUint(Buffer.from('x123,'), 1)).toBe(123);
    expect(JSON.parse(data).pad.length).toBe(32);
  });

  it('looks for the stamp where the last delivery had it, and searches when it moved', () => {
    const envelope = (seq: number) =>
      Buffer.from(`{"type":"message","room":"r","seq":${seq},"data":${eventData(77, padFor(40))}}`);
    const first = envelope(9);
    const at = markerIn(first, -1);
    expect(at).toBe(first.indexOf(TS_MARKER));
    expect(markerIn(envelope(8), at)).toBe(at);
    // One more digit in seq moves the stamp by one byte: the hint misses and the search finds it.
    const moved = envelope(10);
    expect(markerIn(moved, at)).toBe(at + 1);
    expect(stampAt(moved, markerIn(moved, at))).toBe(77);
    // A hint past the end, and a frame with no stamp at all (a control frame).
    expect(markerIn(Buffer.from('{"ts":5}'), 40)).toBe(1);
    expect(markerIn(Buffer.from('{"type":"presence"}'), 1)).toBe(-1);
  });

  it('reads the offset Socket.IO appends when recovery is on', () => {
    expect(socketioOffsetOf(Buffer.from('42["message",{"seq":1},"MzUPkW0"]'))).toBe('MzUPkW0');
    expect(socketioOffsetOf(Buffer.from('42["message",{"seq":1}]'))).toBeUndefined();
  });
});
