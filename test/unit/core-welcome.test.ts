/** The welcome assembled from its shared parts says exactly what serializing the whole message does. */
import { describe, expect, it } from 'vitest';
import { welcomeFor, welcomeJson } from '../../hub/core/client-socket.js';
import type { CoreOptions } from '../../hub/core/core-types.js';
import type { SessionIdentity } from '../../hub/core/session.js';
import { resolveOptions } from '../../hub/server/options.js';

const identity = (user: SessionIdentity['user'], expiresAt: number) => ({ user, expiresAt }) as SessionIdentity;

describe('welcomeJson', () => {
  it('is the text of JSON.stringify(welcomeFor(…)) for each identity and hub', () => {
    const hubs = [
      resolveOptions({}),
      resolveOptions({ heartbeatMs: 7_000, limits: { burst: 3, maxFrameBytes: 4096 } }),
    ] as unknown as CoreOptions[];
    const people = [
      identity({ sub: 'ana', name: 'Ana Lima', role: 'viewer' }, 1_796_000_000_000),
      identity({ sub: 'b"q\\', name: 'Bjørn Ødegård ✓ "quoted"', role: 'editor' }, 1.5),
      identity({ sub: 'svc', name: 'svc', role: 'service' }, Number.NaN),
    ];
    for (const options of hubs) {
      for (const who of people) {
        const text = welcomeJson('abc_-123', who, options);
        expect(text).toBe(JSON.stringify(welcomeFor('abc_-123', who, options)));
        expect(JSON.parse(text)).toMatchObject({ type: 'welcome', clientId: 'abc_-123', user: who.user });
      }
    }
    // The second hub's own limits, not the first one's kept parts.
    expect(JSON.parse(welcomeJson('x', people[0]!, hubs[1]!)).limits.burst).toBe(3);
  });
});
