/**
 * A bad setting is refused naming the key, what was expected and what was given (with the nearest
 * name and JSON position); logs are pretty on a terminal and JSON elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, hubConfigSchema, nearestName, parseJsonText, parseWith } from '../../hub/server/config-schema.js';
import { checkSettings, DEFAULT_SETTINGS } from '../../electron/settings.js';
import { prettyLine, chooseLogFormat } from '../../hub/server/log-format.js';

const problems = (input: unknown): string[] => {
  try {
    parseWith(hubConfigSchema, input, 'config');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('config schema', () => {
  it('suggests the nearest valid name only when it is close', () => {
    expect(nearestName('histroy', ['history', 'host', 'port'])).toBe('history');
    expect(nearestName('PORT', ['history', 'host', 'port'])).toBe('port');
    expect(nearestName('zzzzzzzz', ['history', 'host', 'port'])).toBeUndefined();
  });

  it('names nested keys, the expectation and the value given', () => {
    expect(problems({ limits: { burts: 1 }, history: { rooms: [{ pattern: 'a', maxMessage: 1 }] } })).toEqual([
      'limits.burts is not a setting (did you mean limits.burst?)',
      'history.rooms.0.maxMessage is not a setting (did you mean history.rooms.0.maxMessages?)',
    ]);
    expect(
      problems({ port: 1.5, allowedOrigins: ['https://a.example/path'], logLevel: 'loud', auth: { secret: 'short' } }),
    ).toEqual([
      'port must be an integer from 0 to 65535, got number 1.5',
      'allowedOrigins.0 must be an origin like "https://dash.example.com" (no path), got string "https://a.example/path"',
      'auth.secret must be at least 32 characters, got string "short"',
      'logLevel must be one of fatal, error, warn, info, debug, trace, silent, got string "loud"',
    ]);
    expect(
      problems({ port: 7420, limits: { maxQueuedBytes: 65536, errorBudget: 5 }, history: { maxMessages: 0 } }),
    ).toEqual([]);
  });

  it('gives the line and column of a JSON syntax error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": }', 'f')).toThrow(/line 3, column 8/);
    expect(() => parseJsonText('{"a": 1', 'f')).toThrow(/line 1, column 8/);
    expect(() => parseJsonText('{"secret": "abc", "a": tru}', 'f')).toThrow(
      /^f: not valid JSON at line 1, column 27: Unexpected token '}'$/,
    );
  });

  it('checks the desktop settings with the same field schemas', () => {
    const check = checkSettings({
      ...DEFAULT_SETTINGS,
      port: 'seventy',
      limits: { ...DEFAULT_SETTINGS.limits, messagesPerSecond: -1 },
      histroy: {},
    });
    expect(check).toEqual({
      ok: false,
      errors: [
        'settings.port must be an integer from 0 to 65535, got string "seventy"',
        'settings.limits.messagesPerSecond must be an integer from 1 to 1000000, got number -1',
        'settings.histroy is not a setting (did you mean settings.history?)',
      ],
    });
  });
});

describe('log format', () => {
  it('is pretty on a terminal, JSON elsewhere, unless asked', () => {
    expect(chooseLogFormat(undefined, { isTTY: true })).toBe('pretty');
    expect(chooseLogFormat(undefined, { isTTY: false })).toBe('json');
    expect(chooseLogFormat('json', { isTTY: true })).toBe('json');
  });

  it('prints a record as time, level, message and fields', () => {
    const line = prettyLine(
      JSON.stringify({
        level: 40,
        time: Date.UTC(2026, 0, 1, 9, 5, 7),
        pid: 1,
        hostname: 'h',
        service: 'insight-hub',
        msg: 'upgrade refused',
        status: 403,
        reason: 'banned until x',
      }),
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d WARN {2}upgrade refused status=403 reason="banned until x"\n$/);
    expect(prettyLine('not json')).toBe('not json\n');
  });
});
