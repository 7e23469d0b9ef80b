/**
 * The user agent a connection keeps: the header's first 256 characters ('' without one), the same
 * for every connection that sent it, however many distinct agents pass through; and its address,
 * kept the same way.
 */
import { describe, expect, it } from 'vitest';
import { sharedAddress, sharedUserAgent } from '../../hub/server/shared-strings.js';

describe('sharedUserAgent', () => {
  it('keeps the first 256 characters, and an empty string without a header', () => {
    expect(sharedUserAgent('Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0')).toBe(
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
    );
    expect(sharedUserAgent('x'.repeat(300))).toBe('x'.repeat(256));
    expect(sharedUserAgent(undefined)).toBe('');
  });

  it('answers every agent correctly past the cache limit', () => {
    for (let i = 0; i < 2500; i++) expect(sharedUserAgent(`agent/${i}`)).toBe(`agent/${i}`);
    expect(sharedUserAgent('agent/7')).toBe('agent/7');
  });
});

describe('sharedAddress', () => {
  it('answers each address as given, past the cache limit too, apart from the agents', () => {
    for (let i = 0; i < 2500; i++) expect(sharedAddress(`10.0.${i >> 8}.${i & 255}`)).toBe(`10.0.${i >> 8}.${i & 255}`);
    expect(sharedAddress('::1')).toBe('::1');
    expect(sharedUserAgent('::1')).toBe('::1');
  });
});
