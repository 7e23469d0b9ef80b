// @vitest-environment happy-dom
/**
 * A dashboard room folds each (epoch, seq) once, so history overlapping live delivery or a new
 * epoch changes nothing twice; query chunks assemble in chunk order; only live alerts become
 * toasts.
 */
import { describe, expect, it } from 'vitest';
import type { Json, RoomMessage } from '../../hub/protocol/index.js';
import {
  APPLIED_WINDOW,
  applyMessage,
  emptyRoom,
  MAX_ANNOTATIONS,
  MAX_QUERY_ROWS,
  streamRows,
  type RoomModel,
} from '../../renderer/dashboard/room-model.js';

let time = 1_700_000_000_000;
function msg(seq: number, event: string, data: Json, epoch = 'e1'): RoomMessage {
  return {
    type: 'message',
    room: 'dashboard:1',
    epoch,
    seq,
    event,
    data,
    from: { sub: 'svc', name: 'Engine', service: true },
    time: ++time,
  };
}

function fold(messages: RoomMessage[], live = true, start: RoomModel = emptyRoom()): RoomModel {
  return messages.reduce((m, x) => applyMessage(m, x, live).model, start);
}

describe('room model', () => {
  it('marks the named widgets refreshed, and a dashboard-wide refresh marks every known one', () => {
    let m = fold([msg(1, 'refresh', { widgets: ['revenue', 'pipeline'], reason: 'load' })]);
    expect(m.widgets.revenue).toMatchObject({ refreshes: 1, reason: 'load' });
    m = fold([msg(2, 'refresh', { widgets: ['pipeline'] })], true, m);
    expect(m.widgets.pipeline!.refreshes).toBe(2);
    expect(m.widgets.revenue!.refreshes).toBe(1);
    m = fold([msg(3, 'refresh', {})], true, m);
    expect(m.widgets.revenue!.refreshes).toBe(2);
    expect(m.refreshedAt).toBeDefined();
  });

  it('keeps the alerts the room has seen, from history too, but makes a toast only of a live one', () => {
    const old = applyMessage(emptyRoom(), msg(1, 'alert', { id: 'a1', severity: 'warning', title: 'Old news' }), false);
    expect(old.alert).toBeUndefined();
    const live = applyMessage(old.model, msg(2, 'alert', { id: 'a2', severity: 'critical', title: 'Now' }), true);
    expect(live.alert?.title).toBe('Now');
    expect(live.model.alerts.map((a) => [a.seq, a.title, a.from])).toEqual([
      [1, 'Old news', { system: true, name: 'Engine', sub: 'svc' }],
      [2, 'Now', { system: true, name: 'Engine', sub: 'svc' }],
    ]);
    expect(live.model.lastSeq).toBe(2);
    // A new epoch numbers from 1 again.
    expect(applyMessage(live.model, msg(1, 'refresh', {}, 'e2'), true).model.lastSeq).toBe(1);
  });

  it('folds each seq once, so history overlapping live delivery changes nothing', () => {
    const a = msg(1, 'refresh', { widgets: ['w'] });
    const m = fold([a, a, a]);
    expect(m.widgets.w!.refreshes).toBe(1);
  });

  it('assembles query chunks in chunk order whatever order they arrive in, then finishes', () => {
    const rows = (c: number) => [
      [`r${c}a`, c],
      [`r${c}b`, c],
    ];
    let m = fold([
      msg(3, 'query.rows', { queryId: 'q', chunk: 2, rows: rows(2) }),
      msg(1, 'query.rows', { queryId: 'q', chunk: 0, columns: ['name', 'n'], rows: rows(0) }),
      msg(2, 'query.rows', { queryId: 'q', chunk: 1, rows: rows(1) }),
    ]);
    const q = m.queries.q!;
    expect(q.status).toBe('streaming');
    expect(q.columns).toEqual(['name', 'n']);
    expect(streamRows(q).map((r) => r[0])).toEqual(['r0a', 'r0b', 'r1a', 'r1b', 'r2a', 'r2b']);
    m = fold([msg(4, 'query.done', { queryId: 'q', rowCount: 6 })], true, m);
    expect(m.queries.q).toMatchObject({ status: 'done', rowCount: 6, rowsReceived: 6 });
  });

  it('reads rows given as objects by column, and reports a failed query', () => {
    let m = fold([msg(1, 'query.rows', { queryId: 'q', chunk: 0, columns: ['a', 'b'], rows: [{ b: 2, a: 1 }] })]);
    expect(streamRows(m.queries.q!)).toEqual([[1, 2]]);
    m = fold([msg(2, 'query.error', { queryId: 'q', message: 'timeout' })], true, m);
    expect(m.queries.q).toMatchObject({ status: 'error', error: 'timeout' });
  });

  it('starts a query over when its first chunk comes again after it finished', () => {
    const m = fold([
      msg(1, 'query.rows', { queryId: 'q', chunk: 0, rows: [[1]] }),
      msg(2, 'query.done', { queryId: 'q', rowCount: 1 }),
      msg(3, 'query.rows', { queryId: 'q', chunk: 0, rows: [[9], [8]] }),
    ]);
    expect(m.queries.q).toMatchObject({ status: 'streaming', rowsReceived: 2 });
    expect(streamRows(m.queries.q!)).toEqual([[9], [8]]);
  });

  it('keeps annotations in seq order with their author, pins them to widgets, and caps them', () => {
    const m = fold([
      msg(2, 'annotation', { id: 'b', text: 'second', widget: 'revenue' }),
      msg(1, 'comment', { id: 'a', text: 'first' }),
    ]);
    expect(m.annotations.map((a) => a.text)).toEqual(['first', 'second']);
    expect(m.annotations[1]).toMatchObject({ widget: 'revenue', author: { sub: 'svc', name: 'Engine' } });
    expect(m.widgets.revenue).toBeDefined();
    const many = fold(
      Array.from({ length: MAX_ANNOTATIONS + 10 }, (_, i) => msg(i + 1, 'annotation', { text: `n${i}` })),
    );
    expect(many.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(many.annotations.at(-1)!.text).toBe(`n${MAX_ANNOTATIONS + 9}`);
  });

  it('hands back a live alert to show, but not one read from history', () => {
    const alert = msg(1, 'alert', { id: 'x', severity: 'critical', title: 'Down', body: 'db' });
    expect(applyMessage(emptyRoom(), alert, true).alert).toMatchObject({ id: 'x', severity: 'critical' });
    expect(applyMessage(emptyRoom(), alert, false).alert).toBeUndefined();
  });

  it('numbers from 1 again in a new epoch without losing what was built', () => {
    let m = fold([msg(1, 'refresh', { widgets: ['w'] }), msg(2, 'refresh', { widgets: ['w'] })]);
    m = fold([msg(1, 'refresh', { widgets: ['w'] }, 'e2')], true, m);
    expect(m.epoch).toBe('e2');
    expect(m.widgets.w!.refreshes).toBe(3);
  });

  it('orders alerts and annotations of a new epoch after the old one, though its seqs start at 1 again', () => {
    let m = fold([
      msg(7, 'alert', { id: 'old', title: 'Before the restart' }),
      msg(8, 'annotation', { id: 'n-old', text: 'before' }),
    ]);
    m = fold(
      [
        msg(1, 'alert', { id: 'new', title: 'After the restart' }, 'e2'),
        msg(2, 'annotation', { id: 'n-new', text: 'after' }, 'e2'),
      ],
      true,
      m,
    );
    expect(m.alerts.map((a) => a.id)).toEqual(['old', 'new']);
    expect(m.annotations.map((a) => a.id)).toEqual(['n-old', 'n-new']);
    // With the list full, the oldest go, not the new epoch's.
    let full = emptyRoom();
    for (let seq = 1; seq <= MAX_ANNOTATIONS; seq++)
      full = applyMessage(full, msg(seq + 10, 'annotation', { id: `a${seq}`, text: 't' }), true).model;
    full = applyMessage(full, msg(1, 'annotation', { id: 'fresh', text: 'after the restart' }, 'e2'), true).model;
    expect(full.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(full.annotations.at(-1)!.id).toBe('fresh');
    expect(full.annotations[0]!.id).toBe('a2');
  });

  it('remembers a bounded window of seqs through a long stream, still dropping recent repeats', () => {
    let m = emptyRoom();
    const total = APPLIED_WINDOW * 5;
    for (let seq = 1; seq <= total; seq++)
      m = applyMessage(m, msg(seq, 'query.rows', { queryId: 'long', chunk: seq - 1, rows: [[seq]] }), true).model;
    expect(m.applied.size).toBeLessThanOrEqual(APPLIED_WINDOW * 2);
    expect(m.queries.long!.rowsReceived).toBe(total);
    expect(streamRows(m.queries.long!)).toHaveLength(Math.min(total, MAX_QUERY_ROWS));
    const again = applyMessage(
      m,
      msg(total - 10, 'query.rows', { queryId: 'long', chunk: total - 11, rows: [[0]] }),
      true,
    ).model;
    expect(again.queries.long!.rowsReceived).toBe(total);
  });

  it('ignores events with the wrong shape', () => {
    const m = fold([
      msg(1, 'query.rows', { rows: 'nope' }),
      msg(2, 'annotation', { nothing: true }),
      msg(3, 'query.done', 42),
    ]);
    expect(m.queries).toEqual({});
    expect(m.annotations).toEqual([]);
  });
});
