/** The TCP ceiling kept below the descriptor limit, and the limit as the process sees it. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descriptorLimit, socketCeiling } from '../../hub/server/connection-guard.js';

describe('socketCeiling', () => {
  it('leaves an eighth of the descriptors, at least 64, for the hub itself', () => {
    expect(socketCeiling(51_000, 256)).toBe(192);
    expect(socketCeiling(51_000, 1024)).toBe(896);
    expect(socketCeiling(51_000, 20_000)).toBe(17_500);
    expect(socketCeiling(100, 20_000)).toBe(100);
    expect(socketCeiling(51_000, undefined)).toBe(51_000);
    expect(socketCeiling(51_000, 32)).toBe(1);
  });
});

describe('descriptorLimit', () => {
  it('is the soft limit a child shell reports', () => {
    const shell = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    expect(descriptorLimit()).toBe(shell);
  });
});
