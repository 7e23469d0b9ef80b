/** The console's "was asleep for N min" and "engine stalled", read from the hub's stats. */
import { describe, expect, it } from 'vitest';
import { readHubInfo } from '../../renderer/console/admin-feed.js';
import { sleptLabel } from '../../renderer/console/StatusBar.js';

describe('hub sleep in the console', () => {
  it('reads the last sleep and the engine state from stats', () => {
    const info = readHubInfo({
      engine: { name: 'redis', state: 'stalled' },
      sleep: { sleptAt: 1, wokeAt: 1_700_000_000_000, durationMs: 720_000, source: 'power' },
    });
    expect(info).toMatchObject({
      engine: 'redis',
      engineState: 'stalled',
      sleep: { wokeAt: 1_700_000_000_000, durationMs: 720_000 },
    });
    expect(readHubInfo({ sleep: null }).sleep).toBeUndefined();
  });

  it('says minutes, or seconds under a minute', () => {
    expect(sleptLabel(12 * 60_000)).toBe('Was asleep for 12 min');
    expect(sleptLabel(40_000)).toBe('Was asleep for 40 s');
    expect(sleptLabel(0)).toBe('Was asleep for 1 s');
  });
});
