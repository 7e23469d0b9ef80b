/**
 * Extensions get the core only as ExtensionHost: HubContext.core is that interface, HubCore fits
 * it, and the core's internals (heartbeat, presence, attach, the mutable session map) are out of
 * reach. Checked by the type checker (`npm run check` types this file).
 */
import { expectTypeOf, it } from 'vitest';
import type { ExtensionHost } from '../../hub/core/extension-host.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import type { Session } from '../../hub/core/session.js';
import type { HubContext } from '../../hub/http/extension.js';

it('hands extensions the narrow view of the core, which HubCore implements', () => {
  expectTypeOf<HubContext['core']>().toEqualTypeOf<ExtensionHost>();
  expectTypeOf<HubCore>().toExtend<ExtensionHost>();
  expectTypeOf<HubContext['core']['sessions']>().toEqualTypeOf<ReadonlyMap<string, Session>>();
  expectTypeOf<HubContext['core']>().not.toHaveProperty('heartbeat');
  expectTypeOf<HubContext['core']>().not.toHaveProperty('attach');
  expectTypeOf<HubContext['core']>().not.toHaveProperty('presence');
});
