/**
 * Only subs and names that can stand for a person are accepted as identities, and only finite
 * NumericDates a Date can hold count as dates.
 */
import { describe, expect, it } from 'vitest';
import { identityTextProblem, isNumericDate } from '../../hub/auth/claim-values.js';

describe('identityTextProblem', () => {
  it.each([
    ['bob', 'sub', null],
    ['bob smith', 'sub', null],
    ['José', 'sub', null],
    ['auth0|5f1c', 'sub', null],
    ['b', 'sub', null],
    ['~!', 'name', null],
    ['bob ', 'sub', 'has leading or trailing whitespace'],
    [' ', 'name', 'has leading or trailing whitespace'],
    ['bob\x7f', 'sub', 'has control, format or invisible characters'],
    ['bob\x00x', 'name', 'has control, format or invisible characters'],
    [' bob', 'name', 'has leading or trailing whitespace'],
    ['bob\u200b', 'sub', 'has control, format or invisible characters'],
    ['bob\u200d', 'name', 'has control, format or invisible characters'],
    ['bob\t', 'sub', 'has control, format or invisible characters'],
    ['\u2028bob', 'sub', 'has control, format or invisible characters'],
    ['bob\ufe0f', 'sub', 'has control, format or invisible characters'],
    ['bob\u00ad', 'sub', 'has control, format or invisible characters'],
    ['bob\u3000x', 'sub', 'has control, format or invisible characters'],
    ['x\ud800', 'sub', 'has control, format or invisible characters'],
    ['ｂｏｂ', 'sub', 'is not NFKC-normalized (fullwidth or compatibility characters)'],
    ['ｂｏｂ', 'name', null],
    ['ﬁle', 'sub', 'is not NFKC-normalized (fullwidth or compatibility characters)'],
    ['e\u0301', 'sub', 'is not NFKC-normalized (fullwidth or compatibility characters)'],
  ] as const)('%j as a %s: %s', (text, kind, problem) => {
    expect(identityTextProblem(text, kind)).toBe(problem);
  });
});

describe('isNumericDate', () => {
  it('takes absent or finite seconds within what a Date holds', () => {
    for (const ok of [undefined, 0, 1_700_000_000, 1.5, -1, 8.64e12]) expect(isNumericDate(ok)).toBe(true);
    for (const bad of [Infinity, -Infinity, NaN, 8.64e12 + 1, 1e300, '1700000000', null, [1]])
      expect(isNumericDate(bad)).toBe(false);
  });
});
