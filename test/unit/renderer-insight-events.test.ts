// @vitest-environment happy-dom
/**
 * InsightEngine events are read defensively: a wrong shape is dropped or defaulted (unknown
 * severity as info), and every table cell becomes text.
 */
import { describe, expect, it } from 'vitest';
import {
  cellText,
  readAlert,
  readAnnotation,
  readQueryRows,
  readRefresh,
} from '../../renderer/dashboard/insight-events.js';

describe('InsightEngine event readers', () => {
  it('reads an alert, defaulting an unknown severity to info and the id to the message position', () => {
    expect(readAlert({ severity: 'critical', title: 'T', body: 'B' }, 'e:1')).toEqual({
      id: 'e:1',
      severity: 'critical',
      title: 'T',
      body: 'B',
      dashboardId: undefined,
    });
    expect(readAlert({ severity: 'panic', title: 'T' }, 'e:2')?.severity).toBe('info');
    expect(readAlert({ severity: 'info' }, 'e:3')).toBeNull();
    expect(readAlert('text', 'e:4')).toBeNull();
  });

  it('reads refresh targets, dropping non-strings', () => {
    expect(readRefresh({ widgets: ['a', 3, null, 'b'], reason: 'r' })).toEqual({
      widgets: ['a', '3', 'b'],
      reason: 'r',
    });
    expect(readRefresh({ widgets: [] })).toEqual({ widgets: undefined, reason: undefined });
    expect(readRefresh(null)).toEqual({});
  });

  it('needs a query id and a rows list', () => {
    expect(readQueryRows({ queryId: 'q', rows: [[1]] })).toEqual({
      queryId: 'q',
      chunk: 0,
      columns: undefined,
      rows: [[1]],
    });
    expect(readQueryRows({ rows: [[1]] })).toBeNull();
    expect(readQueryRows({ queryId: 'q', rows: {} })).toBeNull();
  });

  it('takes an annotation as a string or an object with text', () => {
    expect(readAnnotation('hello', 'e:1')).toEqual({ id: 'e:1', text: 'hello' });
    expect(readAnnotation({ text: 'x', widgetId: 'w' }, 'e:2')).toMatchObject({ text: 'x', widget: 'w' });
    expect(readAnnotation({}, 'e:3')).toBeNull();
  });

  it('turns any cell into text', () => {
    expect(cellText(null)).toBe('');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText('<b>x</b>')).toBe('<b>x</b>');
    expect(cellText(1.5)).toBe('1.5');
  });
});
