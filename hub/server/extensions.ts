/** The extensions every full hub installs (admin service, metrics), in order. */
import type { HubExtension } from './create-hub.js';

export function hubExtensions(): HubExtension[] {
  return [];
}
